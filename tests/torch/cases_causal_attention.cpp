/// CausalAttention, the fused op, on qkv [2, 4, 24] (C = 8, H = 2) and [1, 6, 36] (H = 3);
/// kinds_causal_attention.py builds it from torch ops as kinds_causal_self_attention.py does.

#include "ops/causal_attention.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void causal_attention_cases(Cases& cases) {
    Random rng(213);
    const auto with_heads = [](std::size_t H) {
        return [H](Tape& tape, const std::vector<Tensor>& p) {
            return causal_attention(tape, p[0], H);
        };
    };
    add_op_case(cases, "causal_attention/qkv_B2_T4_C8_H2", "causal_attention", {{"H", 2}},
                {{"qkv", normal({2, 4, 24}, 1.0, rng)}}, with_heads(2), rng);
    add_op_case(cases, "causal_attention/qkv_B1_T6_C12_H3", "causal_attention", {{"H", 3}},
                {{"qkv", normal({1, 6, 36}, 1.0, rng)}}, with_heads(3), rng);
}

const bool registered_causal_attention = register_cases("causal_attention", causal_attention_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
