/// Mean of all elements to a scalar; kinds_mean.py: Tensor.mean().

#include "ops/mean.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void mean_cases(Cases& cases) {
    Random rng(207);
    add_op_case(
        cases, "mean/rank3", "mean", json::object(), {{"x", normal({2, 3, 4}, 1.0, rng)}},
        [](Tape& tape, const std::vector<Tensor>& p) { return mean(tape, p[0]); }, rng);
}

const bool registered_mean = register_cases("mean", mean_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
