/// Causal self-attention: the composed function on qkv [2, 4, 24] (C = 8, H = 2), and the
/// layer CausalSelfAttention on x [2, 4, 8] with every parameter; kinds_causal_self_attention.py
/// builds the same from torch ops (split, view/transpose of heads, masked softmax with -inf,
/// matmul).

#include "ops/layers/causal_self_attention.hpp"
#include "ops/linear.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void causal_self_attention_cases(Cases& cases) {
    Random rng(212);
    add_op_case(
        cases, "causal_self_attention/qkv_B2_T4_C8_H2", "causal_self_attention", {{"H", 2}},
        {{"qkv", normal({2, 4, 24}, 1.0, rng)}},
        [](Tape& tape, const std::vector<Tensor>& p) {
            return causal_self_attention(tape, p[0], 2);
        },
        rng);
    add_op_case(
        cases, "causal_self_attention/qkv_B1_T6_C12_H3", "causal_self_attention", {{"H", 3}},
        {{"qkv", normal({1, 6, 36}, 1.0, rng)}},
        [](Tape& tape, const std::vector<Tensor>& p) {
            return causal_self_attention(tape, p[0], 3);
        },
        rng);
    // The layer, its parameters by their state_dict names (values of order 1 for a strong
    // comparison: the normal(0, 0.02) initialisation is checked in the unit tests).
    const CausalSelfAttention layer("attn", 8, 2, rng);
    NamedArrays inputs{{"x", normal({2, 4, 8}, 1.0, rng)}};
    for (const NamedTensor& p : layer.parameters())
        inputs.emplace_back(p.name, normal(p.tensor.shape(), 0.5, rng));
    add_op_case(
        cases, "causal_self_attention/layer_B2_T4_C8_H2", "causal_self_attention_layer", {{"H", 2}},
        inputs,
        [](Tape& tape, const std::vector<Tensor>& p) {
            const Tensor qkv = linear(tape, p[0], p[1], p[2]);  // [B, T, 3C]
            return linear(tape, causal_self_attention(tape, qkv, 2), p[3], p[4]);
        },
        rng);
}

const bool registered_causal_self_attention =
    register_cases("causal_self_attention", causal_self_attention_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
