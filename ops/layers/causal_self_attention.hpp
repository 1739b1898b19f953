#pragma once
/// Causal self-attention with H heads, composed from the ops in this folder.
// clang-format off
///
///   causal_self_attention(tape, qkv, H):   qkv [B, T, 3C] -> y [B, T, C]
///     q, k, v = qkv[..., 0:C], qkv[..., C:2C], qkv[..., 2C:3C]   Slice               [B, T, C]
///     Q, K, V = split_heads(q), split_heads(k), split_heads(v)    Reshape + Transpose [B, H, T, D]
///               head h = columns h*D .. (h+1)*D - 1, D = C/H
///     S  = Q K^T                                                  MatMul{false, true} [B, H, T, T]
///     S' = S / sqrt(D)                                            Scale               [B, H, T, T]
///     P  = causal softmax of S' over the last axis (j > i masked) CausalSoftmax       [B, H, T, T]
///     O  = P V                                                    MatMul              [B, H, T, D]
///     y  = merge_heads(O)                                         Transpose + Reshape [B, T, C]
///   Backward is the ops' own, node by node (ops/README.md, "Attention, composed"):
///     dV = P^T dO,  dP = dO V^T,  dS' = P * (dP - rowsum(P * dP)) on j <= i (0 above),
///     dS = dS' / sqrt(D),  dQ = dS K,  dK = dS^T Q   (i.e. dQ = dS' K / sqrt(D), ...)
///
///   CausalSelfAttention: the layer that owns the two linear maps around it,
///     qkv = x W_qkv^T + b_qkv     W_qkv [3C, C], b_qkv [3C]   ("<prefix>.qkv.weight", ".qkv.bias")
///     y   = attention of qkv      the fused CausalAttention op (ops/causal_attention.hpp), one
///                                 node with no head copies; this composition when P is asked
///                                 for (the same doubles: tests/test_causal_attention.cpp)
///     out = y W_proj^T + b_proj   W_proj [C, C], b_proj [C]   ("<prefix>.proj.weight", ".proj.bias")
///   initialised W ~ normal(0, 0.02), b = 0 from a seeded Random (engine/core/init.hpp).
///
///     Random rng(1337);
///     CausalSelfAttention attn("blocks.0.attn", 64, 4, rng);
///     Tensor y = attn(tape, x);  // x [B, T, 64] -> y [B, T, 64]
// clang-format on

#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"
#include "ops/layers/linear_layer.hpp"

namespace tapegrad {

/// y [B, T, C] from qkv [B, T, 3C] with H heads. Throws std::invalid_argument naming qkv's
/// shape and H unless qkv is 3-D, its last axis 3C, and H divides C. When P is given, it
/// receives the attention probabilities [B, H, T, T] (the CausalSoftmax node's output), e.g.
/// to show which earlier positions the last one attends to.
Tensor causal_self_attention(Tape& tape, const Tensor& qkv, std::size_t H, Tensor* P = nullptr);

class CausalSelfAttention {
public:
    /// C channels in H heads (H must divide C); parameters drawn from rng in the order
    /// qkv.weight, proj.weight. Throws std::invalid_argument naming C and H otherwise.
    CausalSelfAttention(const std::string& prefix, std::size_t C, std::size_t H, Random& rng);

    /// x [B, T, C] -> [B, T, C] with this layer's tensors; P as in causal_self_attention.
    Tensor operator()(Tape& tape, const Tensor& x, Tensor* P = nullptr) const;
    /// The same with the tensors {W_qkv, b_qkv, W_proj, b_proj} given (the order of
    /// parameters()): the forward as a function of its parameters, for gradcheck on copies.
    Tensor forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p,
                   Tensor* P = nullptr) const;

    /// "<prefix>.qkv.weight", "<prefix>.qkv.bias", "<prefix>.proj.weight", "<prefix>.proj.bias".
    NamedTensors parameters() const;
    std::vector<Tensor> tensors() const;

    std::size_t channels() const { return C_; }
    std::size_t heads() const { return H_; }

private:
    std::size_t C_, H_;
    LinearLayer qkv_;   // [3C, C], [3C]
    LinearLayer proj_;  // [C, C], [C]
};

}  // namespace tapegrad
