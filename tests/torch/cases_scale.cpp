/// Scale: y = c x with c = 1/sqrt(8); kinds_scale.py: c * x.

#include <cmath>

#include "ops/scale.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void scale_cases(Cases& cases) {
    Random rng(205);
    const double c = 1.0 / std::sqrt(8.0);
    add_op_case(
        cases, "scale/one_over_sqrt_d", "scale", {{"c", c}}, {{"x", normal({2, 3, 4}, 1.0, rng)}},
        [c](Tape& tape, const std::vector<Tensor>& p) { return scale(tape, p[0], c); }, rng);
}

const bool registered_scale = register_cases("scale", scale_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
