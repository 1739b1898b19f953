#pragma once
/// gemm: the one matrix product every op uses, a single BLAS dgemm call (cblas_dgemm).
///
///     C <- alpha * op(A) * op(B) + beta * C,   op(M) = M or M^T
///
/// Transposes are BLAS flags on the original row-major data: nothing is copied, and C is
/// written in place (it must already have its final shape). Tiny products (at most 512
/// multiply-adds, e.g. the slide's 3 x 2) skip BLAS for a plain loop: there the call itself
/// would cost more than the arithmetic.
///
/// Three ways to name the operands, all views of stored data (no copies):
///   - gemm(A, tA, B, tB, C): 1-D or 2-D arrays; a 1-D array of n elements is a 1 x n row;
///   - gemm on MatrixRefs: a block of doubles seen as a rows x cols matrix whose rows lie
///     `stride` doubles apart (BLAS's leading dimension; 0, the default, means contiguous
///     rows: stride = cols). rows_of(a) sees an array [..., n] as the matrix [size / n, n]
///     (all leading dimensions as rows), which is how Linear applies to x [B, T, d]; a stride
///     picks columns out of a wider array, e.g. one head's D columns of Q inside qkv [T, 3C]
///     (stride 3C), as CausalAttention reads them;
///   - batched_gemm(A, tA, B, tB, C): A [..., m, k], B [..., k, n], C [..., m, n] with the same
///     leading dimensions, one gemm per leading index (attention's per-head products).

#include <cstddef>

#include "engine/core/array.hpp"

namespace tapegrad {

/// A read-only row-major matrix view: rows x cols doubles starting at data, row r at
/// data + r * stride (stride 0: cols, contiguous rows).
struct MatrixRef {
    const double* data;
    std::size_t rows;
    std::size_t cols;
    std::size_t stride = 0;
    std::size_t row_stride() const { return stride == 0 ? cols : stride; }
};

/// A writable row-major matrix view, rows as in MatrixRef.
struct MutableMatrixRef {
    double* data;
    std::size_t rows;
    std::size_t cols;
    std::size_t stride = 0;
    std::size_t row_stride() const { return stride == 0 ? cols : stride; }
};

/// a [..., n] as the matrix [size / n, n]; a [n] as [1, n]. Throws std::logic_error for a
/// scalar (rank 0).
MatrixRef rows_of(const Array& a);
MutableMatrixRef rows_of(Array& a);

/// Throws std::logic_error naming the sizes when they do not fit, or a stride is below cols.
void gemm(MatrixRef A, bool transpose_A, MatrixRef B, bool transpose_B, MutableMatrixRef C,
          double alpha = 1.0, double beta = 0.0);

void gemm(const Array& A, bool transpose_A, const Array& B, bool transpose_B, Array& C,
          double alpha = 1.0, double beta = 0.0);

/// One gemm per leading index: C[i] <- alpha op(A[i]) op(B[i]) + beta C[i] for A [..., m, k]
/// (or [..., k, m] with transpose_A), B [..., k, n] (or [..., n, k]), C [..., m, n]; the
/// leading dimensions of A, B and C must be equal (no broadcasting). Throws std::logic_error
/// naming the shapes otherwise.
void batched_gemm(const Array& A, bool transpose_A, const Array& B, bool transpose_B, Array& C,
                  double alpha = 1.0, double beta = 0.0);

}  // namespace tapegrad
