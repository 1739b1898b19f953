#pragma once
/// CausalSoftmax: attention's masked softmax. Row i of the scores S [..., T, T] attends to the
/// positions j <= i only (a token sees itself and the past, never the future).
///
///   forward:   P[i, j] = e^(S[i, j] - m_i) / sum_{k <= i} e^(S[i, k] - m_i)   for j <= i,
///              P[i, j] = 0                                                   for j > i,
///              m_i = max_{k <= i} S[i, k];   S [..., T, T] (rank >= 2), P same shape
///   backward:  dL/dS[i, j] = P[i, j] (dL/dP[i, j] - sum_{k <= i} P[i, k] dL/dP[i, k])  for j <= i,
///              dL/dS[i, j] = 0                                                        for j > i
///              (the softmax Jacobian of each row's unmasked part; the masked part has none)
///
/// The mask is in the loop bounds, not in the numbers: row i reads only S[i, 0..i] and writes
/// exact zeros after it. No -inf or -1e9 fill is ever computed or stored, so a tape with
/// a FiniteCheck attached sees only finite values, and masked scores are never read at all
/// (even a NaN there does not reach P, as with PyTorch's masked_fill(-inf) before softmax).
/// Row i costs i + 1 exponentials: about half of an unmasked softmax.

#include <cstddef>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct CausalSoftmax {
    static constexpr const char* name = "CausalSoftmax";
    static constexpr const char* forward_formula =
        "P[i, j] = e^(S[i, j] - m_i) / sum_{k <= i} e^(S[i, k] - m_i) for j <= i, else 0";
    static constexpr const char* backward_formula =
        "dL/dS[i, j] = P[i, j] (dL/dP[i, j] - sum_{k <= i} P[i, k] dL/dP[i, k]) for j <= i, "
        "else 0";

    void forward(const Inputs<1>& in, Array& P);
    void backward(const Inputs<1>& in, const Array& P, const Array& grad_P, GradTargets<1>& grad);
};

inline Tensor causal_softmax(Tape& tape, const Tensor& S) {
    return tape.apply(CausalSoftmax{}, S);
}

/// Row i (of T) of the forward, in place: row[0..i] <- its softmax, row[i+1..T-1] <- 0.
/// (CausalAttention runs it on its scaled scores.)
void causal_softmax_row(double* row, std::size_t i, std::size_t T);
/// Row i of the backward: out[j] = P[j] (g[j] - sum_{k <= i} P[k] g[k]) for j <= i, 0 after;
/// out may be g itself.
void causal_softmax_row_backward(const double* P, const double* g, double* out, std::size_t i,
                                 std::size_t T);

}  // namespace tapegrad
