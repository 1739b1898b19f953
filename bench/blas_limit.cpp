#include "bench/blas_limit.hpp"

#include <cblas.h>

#include "engine/kernels/parallel_for.hpp"

namespace tapegrad::bench {

void set_threads(int threads) {
    tapegrad::set_threads(static_cast<std::size_t>(threads));
}
int blas_threads() {
    return openblas_get_num_threads();
}

void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, const double* A,
          const double* B, double* C) {
    const int M = static_cast<int>(m), N = static_cast<int>(n), K = static_cast<int>(k);
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, M, N, K, 1.0, A, trans_a ? M : K, B,
                trans_b ? K : N, 0.0, C, N);
}

void three_gemms(std::size_t B, std::size_t d, std::size_t V, const double* X, const double* W,
                 double* Z, const double* G, double* dW, double* dX) {
    const int b = static_cast<int>(B), n = static_cast<int>(d), v = static_cast<int>(V);
    // Z [B, V] = X [B, d] W^T
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, b, v, n, 1.0, X, n, W, n, 0.0, Z, v);
    // dW [V, d] = G^T [V, B] X [B, d]
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, v, n, b, 1.0, G, v, X, n, 0.0, dW, n);
    // dX [B, d] = G [B, V] W [V, d]
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, b, n, v, 1.0, G, v, W, n, 0.0, dX, n);
}

}  // namespace tapegrad::bench
