/// Transpose of two axes of a rank-4 array (heads before time, and the outer two);
/// kinds_transpose.py: Tensor.transpose.

#include "ops/transpose.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void transpose_case(Cases& cases, const std::string& name, std::size_t a, std::size_t b,
                    Random& rng) {
    add_op_case(
        cases, name, "transpose", {{"axis0", a}, {"axis1", b}},
        {{"x", normal({2, 3, 4, 5}, 1.0, rng)}},
        [a, b](Tape& tape, const std::vector<Tensor>& p) { return transpose(tape, p[0], a, b); },
        rng);
}

void transpose_cases(Cases& cases) {
    Random rng(203);
    transpose_case(cases, "transpose/axes_1_2", 1, 2, rng);
    transpose_case(cases, "transpose/axes_3_0", 3, 0, rng);
}

const bool registered_transpose = register_cases("transpose", transpose_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
