/// Sum of all elements to a scalar; kinds_sum.py: Tensor.sum().

#include "ops/sum.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void sum_cases(Cases& cases) {
    Random rng(206);
    add_op_case(
        cases, "sum/rank3", "sum", json::object(), {{"x", normal({2, 3, 4}, 1.0, rng)}},
        [](Tape& tape, const std::vector<Tensor>& p) { return sum(tape, p[0]); }, rng);
}

const bool registered_sum = register_cases("sum", sum_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
