/// MeanAxis over each axis of a rank-3 array; kinds_mean_axis.py: Tensor.mean(dim=axis).

#include "ops/mean_axis.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void mean_axis_cases(Cases& cases) {
    Random rng(209);
    for (std::size_t axis = 0; axis < 3; ++axis) {
        add_op_case(
            cases, "mean_axis/axis_" + std::to_string(axis), "mean_axis", {{"axis", axis}},
            {{"x", normal({2, 3, 4}, 1.0, rng)}},
            [axis](Tape& tape, const std::vector<Tensor>& p) {
                return mean_axis(tape, p[0], axis);
            },
            rng);
    }
}

const bool registered_mean_axis = register_cases("mean_axis", mean_axis_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
