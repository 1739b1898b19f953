#include "engine/kernels/gemm.hpp"

#include <stdexcept>
#include <string>

#include <cblas.h>

namespace tapegrad {

namespace {

// Below this many multiply-adds the BLAS call costs more than its arithmetic (argument
// checks, OpenBLAS's buffer lock and packing: about 0.3 us per call here), and at the slide's
// size the whole training step is three such products. A plain loop computes the same sums.
constexpr std::size_t small_product = 512;

std::string matrix_string(std::size_t rows, std::size_t cols) {
    return "[" + std::to_string(rows) + ", " + std::to_string(cols) + "]";
}

// C <- alpha * op(A) op(B) + beta * C by the definition; beta = 0 ignores C's old contents,
// as BLAS does. m, k, n are the sizes of op(A) [m, k] and op(B) [k, n].
void small_gemm(MatrixRef A, bool transpose_A, MatrixRef B, bool transpose_B, MutableMatrixRef C,
                double alpha, double beta, std::size_t m, std::size_t k, std::size_t n) {
    // Element (i, l) of op(A) sits at i * a_row + l * a_col in A's row-major storage.
    const std::size_t lda = A.row_stride(), ldb = B.row_stride(), ldc = C.row_stride();
    const std::size_t a_row = transpose_A ? 1 : lda, a_col = transpose_A ? lda : 1;
    const std::size_t b_row = transpose_B ? 1 : ldb, b_col = transpose_B ? ldb : 1;
    for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            double sum = 0.0;
            for (std::size_t l = 0; l < k; ++l)
                sum += A.data[i * a_row + l * a_col] * B.data[l * b_row + j * b_col];
            double& out = C.data[i * ldc + j];
            out = beta == 0.0 ? alpha * sum : alpha * sum + beta * out;
        }
    }
}

}  // namespace

MatrixRef rows_of(const Array& a) {
    if (a.dimension() == 0)
        throw std::logic_error("gemm: a scalar is not a matrix (rows_of needs rank >= 1)");
    const std::size_t cols = a.shape()[a.dimension() - 1];
    return {a.data(), cols == 0 ? 0 : a.size() / cols, cols};
}

MutableMatrixRef rows_of(Array& a) {
    const MatrixRef r = rows_of(static_cast<const Array&>(a));
    return {a.data(), r.rows, r.cols};
}

void gemm(MatrixRef A, bool transpose_A, MatrixRef B, bool transpose_B, MutableMatrixRef C,
          double alpha, double beta) {
    const std::size_t m = transpose_A ? A.cols : A.rows;
    const std::size_t k = transpose_A ? A.rows : A.cols;
    const std::size_t k_b = transpose_B ? B.cols : B.rows;
    const std::size_t n = transpose_B ? B.rows : B.cols;
    if (k != k_b || C.rows != m || C.cols != n) {
        throw std::logic_error("gemm: cannot multiply " + matrix_string(A.rows, A.cols) +
                               (transpose_A ? "^T" : "") + " by " + matrix_string(B.rows, B.cols) +
                               (transpose_B ? "^T" : "") + " into " +
                               matrix_string(C.rows, C.cols));
    }
    if (A.row_stride() < A.cols || B.row_stride() < B.cols || C.row_stride() < C.cols) {
        throw std::logic_error(
            "gemm: a row stride is below its matrix's columns (A " + matrix_string(A.rows, A.cols) +
            " stride " + std::to_string(A.row_stride()) + ", B " + matrix_string(B.rows, B.cols) +
            " stride " + std::to_string(B.row_stride()) + ", C " + matrix_string(C.rows, C.cols) +
            " stride " + std::to_string(C.row_stride()) + ")");
    }
    if (m == 0 || n == 0) return;
    if (k == 0) {  // an empty inner dimension: the product is zero
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                double& out = C.data[i * C.row_stride() + j];
                out = beta == 0.0 ? 0.0 : beta * out;
            }
        return;
    }
    if (m * k * n <= small_product) {
        small_gemm(A, transpose_A, B, transpose_B, C, alpha, beta, m, k, n);
        return;
    }
    // Row-major storage and the leading dimensions straight to BLAS: a strided block is read in
    // place (xt::blas::gemm would first copy a view whose rows are not contiguous).
    const auto blas_int = [](std::size_t v) { return static_cast<int>(v); };
    cblas_dgemm(CblasRowMajor, transpose_A ? CblasTrans : CblasNoTrans,
                transpose_B ? CblasTrans : CblasNoTrans, blas_int(m), blas_int(n), blas_int(k),
                alpha, A.data, blas_int(A.row_stride()), B.data, blas_int(B.row_stride()), beta,
                C.data, blas_int(C.row_stride()));
}

void gemm(const Array& A, bool transpose_A, const Array& B, bool transpose_B, Array& C,
          double alpha, double beta) {
    for (const Array* a : {&A, &B, static_cast<const Array*>(&C)}) {
        if (a->dimension() != 1 && a->dimension() != 2)
            throw std::logic_error("gemm: operands must be 1-D or 2-D, got " + shape_string(*a));
    }
    try {
        gemm(rows_of(A), transpose_A, rows_of(B), transpose_B, rows_of(C), alpha, beta);
    } catch (const std::logic_error&) {
        throw std::logic_error("gemm: cannot multiply " + shape_string(A) +
                               (transpose_A ? "^T" : "") + " by " + shape_string(B) +
                               (transpose_B ? "^T" : "") + " into " + shape_string(C));
    }
}

void batched_gemm(const Array& A, bool transpose_A, const Array& B, bool transpose_B, Array& C,
                  double alpha, double beta) {
    const std::size_t rank = A.dimension();
    auto fail = [&] {
        throw std::logic_error("batched_gemm: cannot multiply " + shape_string(A) +
                               (transpose_A ? "^T" : "") + " by " + shape_string(B) +
                               (transpose_B ? "^T" : "") + " into " + shape_string(C) +
                               " (needs [..., m, k] x [..., k, n] -> [..., m, n], equal leading "
                               "dimensions)");
    };
    if (rank < 2 || B.dimension() != rank || C.dimension() != rank) fail();
    std::size_t batches = 1;
    for (std::size_t i = 0; i + 2 < rank; ++i) {
        if (A.shape()[i] != B.shape()[i] || A.shape()[i] != C.shape()[i]) fail();
        batches *= A.shape()[i];
    }
    const auto matrix = [rank](const Array& a, std::size_t b) {
        const std::size_t rows = a.shape()[rank - 2], cols = a.shape()[rank - 1];
        return MatrixRef{a.data() + b * rows * cols, rows, cols};
    };
    for (std::size_t b = 0; b < batches; ++b) {
        const MatrixRef c = matrix(C, b);
        try {
            gemm(matrix(A, b), transpose_A, matrix(B, b), transpose_B,
                 MutableMatrixRef{C.data() + b * c.rows * c.cols, c.rows, c.cols}, alpha, beta);
        } catch (const std::logic_error&) {
            fail();
        }
    }
}

}  // namespace tapegrad
