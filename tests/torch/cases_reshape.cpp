/// Reshape [2, 3, 4] -> [4, 6] and [B, T, C] -> [B, T, H, D]; kinds_reshape.py: Tensor.reshape.

#include "ops/reshape.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void reshape_case(Cases& cases, const std::string& name, const Shape& from, const Shape& to,
                  Random& rng) {
    add_op_case(
        cases, name, "reshape", {{"shape", std::vector<std::size_t>(to.begin(), to.end())}},
        {{"x", normal(from, 1.0, rng)}},
        [to](Tape& tape, const std::vector<Tensor>& p) { return reshape(tape, p[0], to); }, rng);
}

void reshape_cases(Cases& cases) {
    Random rng(202);
    reshape_case(cases, "reshape/rank3_to_rank2", {2, 3, 4}, {4, 6}, rng);
    reshape_case(cases, "reshape/split_channels", {2, 4, 8}, {2, 4, 2, 4}, rng);
}

const bool registered_reshape = register_cases("reshape", reshape_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
