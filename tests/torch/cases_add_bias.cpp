/// AddBias: a bias [C] to [B, T, C] and position embeddings [T, C] to [B, T, C];
/// kinds_add_bias.py: x + b (broadcasting).

#include "ops/add_bias.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void add_bias_cases(Cases& cases) {
    Random rng(210);
    const auto f = [](Tape& tape, const std::vector<Tensor>& p) {
        return add_bias(tape, p[0], p[1]);
    };
    add_op_case(cases, "add_bias/vector", "add_bias", json::object(),
                {{"x", normal({2, 3, 4}, 1.0, rng)}, {"b", normal({4}, 1.0, rng)}}, f, rng);
    add_op_case(cases, "add_bias/position_embeddings", "add_bias", json::object(),
                {{"x", normal({2, 3, 4}, 1.0, rng)}, {"b", normal({3, 4}, 1.0, rng)}}, f, rng);
}

const bool registered_add_bias = register_cases("add_bias", add_bias_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
