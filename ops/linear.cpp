#include "ops/linear.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "engine/kernels/gemm.hpp"

namespace tapegrad {

void check_linear_shapes(const char* op, const Array& x, const Array& W, const Array* b) {
    const bool x_ok = x.dimension() >= 1 && x.size() > 0;
    const bool W_ok = W.dimension() == 2 && W.size() > 0;
    const std::size_t d = x_ok ? x.shape()[x.dimension() - 1] : 0;
    const bool fits = x_ok && W_ok && W.shape()[1] == d;
    const bool b_ok = !b || (b->dimension() == 1 && W_ok && b->shape()[0] == W.shape()[0]);
    if (fits && b_ok) return;
    std::string msg = std::string(op) + ": z = x W^T" + (b ? " + b" : "") +
                      " needs x [..., d], W [V, d]" + (b ? ", b [V]" : "") +
                      " (non-empty); got x " + shape_string(x) + ", W " + shape_string(W);
    if (b) msg += ", b " + shape_string(*b);
    throw std::invalid_argument(msg);
}

namespace {

void forward_impl(const Array& x, const Array& W, const Array* b, Array& z) {
    check_linear_shapes(Linear::name, x, W, b);
    const std::size_t V = W.shape()[0];
    Shape z_shape = x.shape();
    z_shape.back() = V;
    z.resize(z_shape);  // [..., V]
    if (b) {
        // Start from the bias in every row, then let BLAS add x W^T on top (beta = 1).
        const std::size_t rows = z.size() / V;
        for (std::size_t r = 0; r < rows; ++r) std::copy(b->begin(), b->end(), z.data() + r * V);
    }
    gemm(rows_of(x), false, rows_of(W), true, rows_of(z), 1.0, b ? 1.0 : 0.0);
}

void backward_impl(const Array& x, const Array& W, const Array& grad_z, GradTarget& grad_x,
                   GradTarget& grad_W, GradTarget* grad_b) {
    grad_x.set_product(rows_of(grad_z), false, rows_of(W), false);  // dL/dx = dL/dz W   [..., d]
    grad_W.set_product(rows_of(grad_z), true, rows_of(x), false);   // dL/dW = dL/dz^T x [V, d]
    if (grad_b && grad_b->wanted()) {  // dL/db = column sums of dL/dz   [V]
        const MatrixRef g = rows_of(grad_z);
        Array& grad_b_sum = grad_b->array();  // [V]
        std::fill(grad_b_sum.begin(), grad_b_sum.end(), 0.0);
        double* sum = grad_b_sum.data();  // a raw pointer: the row loop vectorizes
        for (std::size_t r = 0; r < g.rows; ++r) {
            const double* g_row = g.data + r * g.cols;
            for (std::size_t v = 0; v < g.cols; ++v) sum[v] += g_row[v];
        }
    }
}

}  // namespace

void Linear::forward(const Inputs<2>& in, Array& z) {
    forward_impl(in[0], in[1], nullptr, z);
}

void Linear::forward(const Inputs<3>& in, Array& z) {
    forward_impl(in[0], in[1], &in[2], z);
}

void Linear::backward(const Inputs<2>& in, const Array&, const Array& grad_z,
                      GradTargets<2>& grad) {
    backward_impl(in[0], in[1], grad_z, grad[0], grad[1], nullptr);
}

void Linear::backward(const Inputs<3>& in, const Array&, const Array& grad_z,
                      GradTargets<3>& grad) {
    backward_impl(in[0], in[1], grad_z, grad[0], grad[1], &grad[2]);
}

}  // namespace tapegrad
