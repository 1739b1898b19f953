#pragma once
/// The physical limit of one training step: the three raw cblas_dgemm calls of
///     Z = X W^T,   dW = G^T X,   dX = G W        X [B, d], W [V, d], Z and G [B, V]
/// on the caller's buffers, and the thread count. Kept in blas_limit.cpp, the one file that
/// includes OpenBLAS's <cblas.h> (it cannot share a translation unit with xtensor-blas).

#include <cstddef>

namespace tapegrad::bench {

/// tapegrad::set_threads: the engine's parallel loops and OpenBLAS both use `threads`.
void set_threads(int threads);
/// openblas_get_num_threads.
int blas_threads();

/// C [m, n] <- op(A) op(B) with op(A) [m, k] and op(B) [k, n] (transposed when asked): one
/// cblas_dgemm call on row-major, contiguous arrays.
void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, const double* A,
          const double* B, double* C);

/// One call each: Z <- X W^T, dW <- G^T X, dX <- G W (all row-major, contiguous).
void three_gemms(std::size_t B, std::size_t d, std::size_t V, const double* X, const double* W,
                 double* Z, const double* G, double* dW, double* dX);

}  // namespace tapegrad::bench
