#pragma once
/// DecoderBlock: one pre-LN transformer block, as GPT-2's (nanoGPT's Block without dropout):
///
///     a = x + attn(ln1(x))          ln1: LayerNorm [C];  attn: CausalSelfAttention, H heads
///     y = a + mlp(ln2(a))           ln2: LayerNorm [C];  mlp: fc2(gelu_tanh(fc1(.))), 4C wide
///                                   x, a, y [B, T, C]
/// Backward: the residual adds pass dL/dy to both branches, dL/da = dL/dy + (mlp branch)^T dL/dy,
/// dL/dx = dL/da + (attention branch)^T dL/da; each branch's own ops do the rest node by node.
///
/// Parameters by PyTorch's state_dict names under a prefix ("blocks.0"), in this order:
///     <prefix>.ln1.weight, .ln1.bias, .attn.qkv.weight, .attn.qkv.bias, .attn.proj.weight,
///     .attn.proj.bias, .ln2.weight, .ln2.bias, .mlp.fc1.weight, .mlp.fc1.bias,
///     .mlp.fc2.weight, .mlp.fc2.bias
/// Matrices drawn normal(0, 0.02) from rng in that order, biases zeros, LayerNorm weights ones.
///
///     Random rng(1337);
///     DecoderBlock block("blocks.0", 64, 4, rng);
///     Tensor y = block(tape, x);  // x [B, T, 64] -> y [B, T, 64]

#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"
#include "ops/layers/causal_self_attention.hpp"
#include "ops/layers/layer_norm_layer.hpp"
#include "ops/layers/mlp.hpp"

namespace tapegrad {

class DecoderBlock {
public:
    /// C channels in H heads; throws std::invalid_argument naming C and H unless H divides C.
    DecoderBlock(const std::string& prefix, std::size_t C, std::size_t H, Random& rng);

    /// x [B, T, C] -> y [B, T, C] with this block's tensors. When P is given it receives the
    /// attention probabilities [B, H, T, T].
    Tensor operator()(Tape& tape, const Tensor& x, Tensor* P = nullptr) const;
    /// The same with the 12 tensors given in the order of parameters(): the block as a function
    /// of its parameters, for gradcheck on copies.
    Tensor forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p,
                   Tensor* P = nullptr) const;

    NamedTensors parameters() const;
    std::vector<Tensor> tensors() const;

    std::size_t channels() const { return attn_.channels(); }
    std::size_t heads() const { return attn_.heads(); }

private:
    LayerNormLayer ln1_;
    CausalSelfAttention attn_;
    LayerNormLayer ln2_;
    Mlp mlp_;
};

}  // namespace tapegrad
