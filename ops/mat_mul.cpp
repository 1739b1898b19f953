#include "ops/mat_mul.hpp"

#include <stdexcept>
#include <string>

#include "engine/kernels/gemm.hpp"

namespace tapegrad {

namespace {

std::string op_string(const MatMul& op) {
    return std::string("C = ") + (op.transpose_a ? "A^T" : "A") + " " +
           (op.transpose_b ? "B^T" : "B");
}

}  // namespace

void MatMul::forward(const Inputs<2>& in, Array& C) {
    const Array& A = in[0];
    const Array& B = in[1];
    const std::size_t rank = A.dimension();
    bool fits = rank >= 2 && B.dimension() == rank;
    for (std::size_t i = 0; fits && i + 2 < rank; ++i) fits = A.shape()[i] == B.shape()[i];
    const std::size_t m = fits ? A.shape()[rank - (transpose_a ? 1 : 2)] : 0;
    const std::size_t k_a = fits ? A.shape()[rank - (transpose_a ? 2 : 1)] : 0;
    const std::size_t k_b = fits ? B.shape()[rank - (transpose_b ? 1 : 2)] : 0;
    const std::size_t n = fits ? B.shape()[rank - (transpose_b ? 2 : 1)] : 0;
    if (!fits || k_a != k_b) {
        throw std::invalid_argument(std::string(name) + ": " + op_string(*this) + " needs A " +
                                    (transpose_a ? "[..., k, m]" : "[..., m, k]") + " and B " +
                                    (transpose_b ? "[..., n, k]" : "[..., k, n]") +
                                    " with equal leading dimensions (rank >= 2); got A " +
                                    shape_string(A) + ", B " + shape_string(B));
    }
    Shape C_shape = A.shape();
    C_shape[rank - 2] = m;
    C_shape[rank - 1] = n;
    C.resize(C_shape);  // [..., m, n]
    batched_gemm(A, transpose_a, B, transpose_b, C);
}

void MatMul::backward(const Inputs<2>& in, const Array&, const Array& grad_C,
                      GradTargets<2>& grad) {
    const Array& A = in[0];
    const Array& B = in[1];
    if (!transpose_a)
        grad[0].set_batched_product(grad_C, false, B, !transpose_b);  // dL/dC op(B)^T [.., m, k]
    else
        grad[0].set_batched_product(B, transpose_b, grad_C, true);  // op(B) dL/dC^T [.., k, m]
    if (!transpose_b)
        grad[1].set_batched_product(A, !transpose_a, grad_C, false);  // op(A)^T dL/dC [.., k, n]
    else
        grad[1].set_batched_product(grad_C, true, A, transpose_a);  // dL/dC^T op(A) [.., n, k]
}

}  // namespace tapegrad
