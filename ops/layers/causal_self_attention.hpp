#pragma once
/// Causal self-attention with H heads, composed from the ops in this folder.
///
///   causal_self_attention(tape, qkv, H):   qkv [B, T, 3C] -> y [B, T, C]
///     q, k, v = qkv[..., 0:C], qkv[..., C:2C], qkv[..., 2C:3C]      Slice        [B, T, C]
///     Q, K, V = split_heads(q), split_heads(k), split_heads(v)       Reshape+Transpose
///                                          head h = columns h*D..(h+1)*D-1, D = C/H  [B, H, T, D]
///     S = Q K^T                                                      MatMul{false, true} [B, H, T,
///     T] S' = S / sqrt(D)                                               Scale P = causal softmax
///     of S' over the last axis (j > i masked)     CausalSoftmax [B, H, T, T] O = P V MatMul [B, H,
///     T, D] y = merge_heads(O)                                             Transpose+Reshape [B,
///     T, C]
///   Backward is the ops' own, node by node (ops/README.md, "Attention, composed"):
///     dV = P^T dO,  dP = dO V^T,  dS' = P * (dP - rowsum(P * dP)) on j <= i (0 above),
///     dS = dS' / sqrt(D),  dQ = dS K,  dK = dS^T Q   (i.e. dQ = dS' K / sqrt(D), ...)
///
///   CausalSelfAttention: the layer that owns the two linear maps around it,
///     qkv = x W_qkv^T + b_qkv     W_qkv [3C, C], b_qkv [3C]      ("qkv.weight", "qkv.bias")
///     out = y W_proj^T + b_proj   W_proj [C, C], b_proj [C]      ("proj.weight", "proj.bias")
///   initialised W ~ normal(0, 0.02), b = 0 from a seeded Random (engine/core/init.hpp).

#include <cstddef>
#include <string>

#include "engine/core/named_tensor.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

/// y [B, T, C] from qkv [B, T, 3C] with H heads. Throws std::invalid_argument naming qkv's
/// shape and H unless qkv is 3-D, its last axis 3C, and H divides C.
Tensor causal_self_attention(Tape& tape, const Tensor& qkv, std::size_t H);

class CausalSelfAttention {
public:
    /// C channels in H heads (H must divide C); parameters drawn from rng in the order
    /// qkv.weight, proj.weight. Throws std::invalid_argument naming C and H otherwise.
    CausalSelfAttention(std::size_t C, std::size_t H, Random& rng);

    /// x [B, T, C] -> [B, T, C].
    Tensor forward(Tape& tape, const Tensor& x) const;

    /// The four parameters named as PyTorch's state_dict names them under `prefix`
    /// ("blocks.0.attn" gives "blocks.0.attn.qkv.weight", ...; an empty prefix "qkv.weight"):
    /// qkv.weight, qkv.bias, proj.weight, proj.bias, in this order.
    NamedTensors parameters(const std::string& prefix) const;

    std::size_t channels() const { return C_; }
    std::size_t heads() const { return H_; }

private:
    std::size_t C_, H_;
    Tensor W_qkv_, b_qkv_, W_proj_, b_proj_;
};

}  // namespace tapegrad
