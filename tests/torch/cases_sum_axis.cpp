/// SumAxis over each axis of a rank-3 array; kinds_sum_axis.py: Tensor.sum(dim=axis).

#include "ops/sum_axis.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void sum_axis_cases(Cases& cases) {
    Random rng(208);
    for (std::size_t axis = 0; axis < 3; ++axis) {
        add_op_case(
            cases, "sum_axis/axis_" + std::to_string(axis), "sum_axis", {{"axis", axis}},
            {{"x", normal({2, 3, 4}, 1.0, rng)}},
            [axis](Tape& tape, const std::vector<Tensor>& p) { return sum_axis(tape, p[0], axis); },
            rng);
    }
}

const bool registered_sum_axis = register_cases("sum_axis", sum_axis_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
