#include "engine/kernels/gemm.hpp"

#include <array>
#include <stdexcept>

#include <xtensor-blas/xblas.hpp>
#include <xtensor/xadapt.hpp>

namespace tapegrad {

namespace {

// A 2-D, row-major, non-owning view of a 1-D or 2-D array's buffer: xt::blas::gemm passes
// such an adaptor to BLAS by pointer (an xt::transpose view would be copied instead).
auto as_matrix(const Array& a) {
    const std::array<std::size_t, 2> shape =
        a.dimension() == 1 ? std::array<std::size_t, 2>{1, a.shape()[0]}
                           : std::array<std::size_t, 2>{a.shape()[0], a.shape()[1]};
    return xt::adapt(const_cast<double*>(a.data()), a.size(), xt::no_ownership(), shape);
}

std::array<std::size_t, 2> rows_cols(const Array& a, bool transpose) {
    const std::size_t r = a.dimension() == 1 ? 1 : a.shape()[0];
    const std::size_t c = a.dimension() == 1 ? a.shape()[0] : a.shape()[1];
    return transpose ? std::array<std::size_t, 2>{c, r} : std::array<std::size_t, 2>{r, c};
}

// Below this many multiply-adds the BLAS call costs more than its arithmetic (argument
// checks, OpenBLAS's buffer lock and packing: about 0.3 us per call here), and at the slide's
// size the whole training step is three such products. A plain loop computes the same sums.
constexpr std::size_t small_product = 512;

// C <- alpha * op(A) op(B) + beta * C by the definition; beta = 0 ignores C's old contents,
// as BLAS does. rows/cols are of op(A) [m, k] and op(B) [k, n].
void small_gemm(const Array& A, bool transpose_A, const Array& B, bool transpose_B, Array& C,
                double alpha, double beta, std::size_t m, std::size_t k, std::size_t n) {
    // Element (i, l) of op(A) sits at i * a_row + l * a_col in A's row-major storage.
    const std::size_t a_row = transpose_A ? 1 : k, a_col = transpose_A ? m : 1;
    const std::size_t b_row = transpose_B ? 1 : n, b_col = transpose_B ? k : 1;
    const double* a = A.data();
    const double* b = B.data();
    double* c = C.data();
    for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            double sum = 0.0;
            for (std::size_t l = 0; l < k; ++l)
                sum += a[i * a_row + l * a_col] * b[l * b_row + j * b_col];
            double& out = c[i * n + j];
            out = beta == 0.0 ? alpha * sum : alpha * sum + beta * out;
        }
    }
}

}  // namespace

void gemm(const Array& A, bool transpose_A, const Array& B, bool transpose_B, Array& C,
          double alpha, double beta) {
    for (const Array* m : {&A, &B, static_cast<const Array*>(&C)}) {
        if (m->dimension() != 1 && m->dimension() != 2)
            throw std::logic_error("gemm: operands must be 1-D or 2-D, got " + shape_string(*m));
    }
    const auto a = rows_cols(A, transpose_A);
    const auto b = rows_cols(B, transpose_B);
    const auto c = rows_cols(C, false);
    if (a[1] != b[0] || c[0] != a[0] || c[1] != b[1]) {
        throw std::logic_error("gemm: cannot multiply " + shape_string(A) +
                               (transpose_A ? "^T" : "") + " by " + shape_string(B) +
                               (transpose_B ? "^T" : "") + " into " + shape_string(C));
    }
    if (C.size() == 0) return;
    if (a[1] == 0) {  // an empty inner dimension: the product is zero
        if (beta == 0.0)
            C.fill(0.0);
        else
            C *= beta;
        return;
    }
    if (a[0] * a[1] * b[1] <= small_product) {
        small_gemm(A, transpose_A, B, transpose_B, C, alpha, beta, a[0], a[1], b[1]);
        return;
    }
    auto A2 = as_matrix(A);
    auto B2 = as_matrix(B);
    auto C2 = as_matrix(C);
    xt::blas::gemm(A2, B2, C2, transpose_A, transpose_B, alpha, beta);
}

}  // namespace tapegrad
