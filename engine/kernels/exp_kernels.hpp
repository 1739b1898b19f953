#pragma once
/// Vectorized loops over one row of doubles, for the softmax and cross-entropy passes (exp)
/// and GELU (tanh, which xsimd builds from exp).
///
/// At V = 32000 these passes run over B x V logits several times a step; with std::exp one
/// element at a time they cost as much as a matrix product. These use xsimd's exp on whole
/// SIMD registers (AVX2 + FMA when the CPU has it, chosen once at run time; SSE2 otherwise),
/// accurate to about 1 ulp like std::exp. Plain pointers and lengths: a row of a row-major
/// [B, V] array is contiguous.

#include <cstddef>

namespace tapegrad {

/// max_j x[j]  (n >= 1)
double row_max(const double* x, std::size_t n);

/// sum_j e^(x[j] - shift)
double sum_exp(const double* x, double shift, std::size_t n);

/// out[j] = scale * e^(x[j] - shift) for every j; returns sum_j out[j]. out may equal x.
double scaled_exp(const double* x, double shift, double scale, double* out, std::size_t n);

/// out[j] = tanh(x[j]) for every j (a few ulp, like std::tanh). out may equal x.
void tanh_values(const double* x, double* out, std::size_t n);

}  // namespace tapegrad
