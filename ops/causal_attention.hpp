#pragma once
/// CausalAttention: causal self-attention with H heads as one op, on qkv as the qkv Linear
/// wrote it. It computes what causal_self_attention (ops/layers/causal_self_attention.hpp)
/// composes from fifteen nodes, bit for bit, without their copies.
///
///   qkv [B, T, 3C] holds q | k | v side by side; head h of each is its columns hD..hD+D-1
///   (D = C/H). Per sequence b and head h, with Q, K, V the [T, D] blocks of that head:
///   forward:   S  = Q K^T                                                     [T, T]
///              P  = causal softmax of S / sqrt(D): row i over j <= i, 0 for j > i   [T, T]
///              O  = P V, written as head h's columns of y                     y [B, T, C]
///   backward:  dO = head h's columns of dL/dy,   dV = P^T dO,   dP = dO V^T
///              dS' = P * (dP - rowsum(P * dP)) for j <= i, 0 for j > i
///              dQ = (dS' / sqrt(D)) K,   dK = (dS' / sqrt(D))^T Q
///              dL/dqkv = [dQ | dK | dV], each head in its columns
///
/// Why an op of its own: split_heads/merge_heads and the Slices copy B*T*C values per node
/// and keep each copy and its gradient for the whole step. Here every product is one gemm per
/// sequence and head on the stored data: a head's Q, K and V are [T, D] blocks of qkv whose
/// rows lie 3C doubles apart, and O goes into y's rows C apart (BLAS's leading dimension, see
/// engine/kernels/gemm.hpp). Forward saves P [B, H, T, T] (backward needs it, as torch's
/// attention saves it); backward reuses one [T, T] buffer for dP per thread. The (sequence, head)
/// pairs run in parallel (engine/kernels/parallel_for.hpp), each pair whole on one thread. The
/// arithmetic is the composition's in the same order (S / sqrt(D) then softmax, dS' / sqrt(D) then
/// the products), so both give the same doubles: tests/test_causal_attention.cpp checks it. To look
/// at P, use the composition: there P is a node's output.

#include <cstddef>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct CausalAttention {
    static constexpr const char* name = "CausalAttention";
    static constexpr const char* forward_formula =
        "y = [P V per head],  P = causal softmax of Q K^T / sqrt(D)  (Q, K, V: head columns "
        "of qkv)";
    static constexpr const char* backward_formula =
        "dV = P^T dO,  dP = dO V^T,  dS' = P (dP - rowsum(P dP)),  dQ = dS' K / sqrt(D),  "
        "dK = dS'^T Q / sqrt(D)";
    std::size_t H = 1;  // configuration: the number of heads, dividing C
    struct Saved {
        Array P;   // attention probabilities   [B, H, T, T]
        Array dP;  // dL/dP, then dS', of one head at a time per thread   [threads, T, T]
    } saved{};

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

/// y [B, T, C] from qkv [B, T, 3C] with H heads. Throws std::invalid_argument naming qkv's
/// shape and H unless qkv is 3-D with a last axis 3C > 0 and H divides C.
inline Tensor causal_attention(Tape& tape, const Tensor& qkv, std::size_t H) {
    return tape.apply(CausalAttention{H}, qkv);
}

}  // namespace tapegrad
