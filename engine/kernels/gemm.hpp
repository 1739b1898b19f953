#pragma once
/// gemm: the one matrix product every op uses, a single BLAS dgemm call.
///
///     C <- alpha * op(A) * op(B) + beta * C,   op(M) = M or M^T
///
/// Transposes are BLAS flags on the original row-major data: nothing is copied, and C is
/// written in place (it must already have its final shape). A 1-D array of n elements is
/// taken as a 1 x n row, so a single input vector x goes through the same path as a batch.
/// Tiny products (at most 512 multiply-adds, e.g. the slide's 3 x 2) skip BLAS for a plain
/// loop: there the call itself would cost more than the arithmetic.

#include "engine/core/array.hpp"

namespace tapegrad {

void gemm(const Array& A, bool transpose_A, const Array& B, bool transpose_B, Array& C,
          double alpha = 1.0, double beta = 0.0);

}  // namespace tapegrad
