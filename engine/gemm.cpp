#include "engine/gemm.hpp"

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
    auto A2 = as_matrix(A);
    auto B2 = as_matrix(B);
    auto C2 = as_matrix(C);
    xt::blas::gemm(A2, B2, C2, transpose_A, transpose_B, alpha, beta);
}

}  // namespace tapegrad
