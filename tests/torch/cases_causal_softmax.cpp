/// CausalSoftmax over scores [B, H, T, T], also with large scores; kinds_causal_softmax.py:
/// masked_fill(j > i, -inf) then softmax.

#include "ops/causal_softmax.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void causal_softmax_cases(Cases& cases) {
    Random rng(211);
    const auto f = [](Tape& tape, const std::vector<Tensor>& p) {
        return causal_softmax(tape, p[0]);
    };
    add_op_case(cases, "causal_softmax/rank4", "causal_softmax", json::object(),
                {{"S", normal({2, 2, 5, 5}, 2.0, rng)}}, f, rng);
    add_op_case(cases, "causal_softmax/large_scores", "causal_softmax", json::object(),
                {{"S", normal({1, 6, 6}, 300.0, rng)}}, f, rng);
}

const bool registered_causal_softmax = register_cases("causal_softmax", causal_softmax_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
