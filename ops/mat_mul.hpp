#pragma once
/// MatMul: a batch of matrix products, one BLAS call per leading index (attention's Q K^T
/// and P V per batch and head).
///
///   forward:   C = op(A) op(B)        op(M) = M, or M^T when the flag for M is set
///              A [..., m, k] ([..., k, m] with transpose_a),
///              B [..., k, n] ([..., n, k] with transpose_b),
///              C [..., m, n];  the leading dimensions of A and B must be equal (rank >= 2,
///              no broadcasting)
///   backward:  dL/dop(A) = dL/dC op(B)^T,   dL/dop(B) = op(A)^T dL/dC   (per leading index)
///              so without flags  dL/dA = dL/dC B^T        [..., m, k]
///                                dL/dB = A^T dL/dC        [..., k, n]
///              with transpose_a  dL/dA = op(B) (dL/dC)^T  [..., k, m]
///              with transpose_b  dL/dB = (dL/dC)^T op(A)  [..., n, k]
///
/// MatMul{false, true} is A B^T: the scores Q K^T of attention, with K read as stored (a
/// transpose is a BLAS flag, never a copy). Every product, forward and backward, is one
/// batched_gemm (engine/kernels/gemm.hpp): one gemm per leading index on the stored data.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct MatMul {
    static constexpr const char* name = "MatMul";
    static constexpr const char* forward_formula =
        "C = op(A) op(B)   (per leading index; op(M) = M or M^T by the flags)";
    static constexpr const char* backward_formula =
        "dL/dop(A) = dL/dC op(B)^T,  dL/dop(B) = op(A)^T dL/dC";
    bool transpose_a = false;  // configuration: use A^T in place of A
    bool transpose_b = false;  // configuration: use B^T in place of B

    void forward(const Inputs<2>& in, Array& C);
    void backward(const Inputs<2>& in, const Array& C, const Array& grad_C, GradTargets<2>& grad);
};

/// C = op(A) op(B) per leading index.
inline Tensor mat_mul(Tape& tape, const Tensor& A, const Tensor& B, bool transpose_a = false,
                      bool transpose_b = false) {
    return tape.apply(MatMul{transpose_a, transpose_b}, A, B);
}

}  // namespace tapegrad
