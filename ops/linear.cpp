#include "ops/linear.hpp"

#include <stdexcept>
#include <string>

#include "engine/kernels/gemm.hpp"

namespace tapegrad {

namespace {

// Throws std::invalid_argument naming the op and every shape when x, W (and b) do not fit.
void check_shapes(const Array& x, const Array& W, const Array* b) {
    const bool x_ok = (x.dimension() == 1 || x.dimension() == 2) && x.size() > 0;
    const bool W_ok = W.dimension() == 2 && W.size() > 0;
    const std::size_t d = x_ok ? x.shape()[x.dimension() - 1] : 0;
    const bool fits = x_ok && W_ok && W.shape()[1] == d;
    const bool b_ok = !b || (b->dimension() == 1 && W_ok && b->shape()[0] == W.shape()[0]);
    if (fits && b_ok) return;
    std::string msg = "Linear: z = x W^T" + std::string(b ? " + b" : "") +
                      " needs x [B, d] or [d], W [V, d]" + (b ? ", b [V]" : "") +
                      " (non-empty); got x " + shape_string(x) + ", W " + shape_string(W);
    if (b) msg += ", b " + shape_string(*b);
    throw std::invalid_argument(msg);
}

void forward_impl(const Array& x, const Array& W, const Array* b, Array& z) {
    check_shapes(x, W, b);
    const std::size_t V = W.shape()[0];
    if (x.dimension() == 1) {
        z.resize({V});  // [V]
    } else {
        z.resize({x.shape()[0], V});  // [B, V]
    }
    if (b) {
        // Start from the bias in every row, then let BLAS add x W^T on top (beta = 1).
        const std::size_t rows = z.size() / V;
        for (std::size_t r = 0; r < rows; ++r) std::copy(b->begin(), b->end(), z.data() + r * V);
        gemm(x, false, W, true, z, 1.0, 1.0);
    } else {
        gemm(x, false, W, true, z, 1.0, 0.0);
    }
}

void backward_impl(const Array& x, const Array& W, const Array& grad_z, GradTarget& grad_x,
                   GradTarget& grad_W, GradTarget* grad_b) {
    // Order matters: dL/dx reads W, so it comes first; the dL/dW target may be W itself (a
    // fused optimizer step, see Linear::in_place_update_safe).
    if (grad_x.wanted()) {  // dL/dx = dL/dz W            [B, d]
        gemm(grad_z, false, W, false, grad_x.dest(), grad_x.alpha(), grad_x.beta());
        grad_x.mark_written();
    }
    if (grad_W.wanted()) {  // dL/dW = (dL/dz)^T x        [V, d]
        gemm(grad_z, true, x, false, grad_W.dest(), grad_W.alpha(), grad_W.beta());
        grad_W.mark_written();
    }
    if (grad_b && grad_b->wanted()) {  // dL/db = column sums of dL/dz   [V]
        // Summed straight into the target, dest <- alpha * sums + beta * dest, without a [V]
        // temporary: scale (or clear) dest once, then add alpha times each row.
        const std::size_t V = W.shape()[0];
        const std::size_t rows = grad_z.size() / V;
        Array& dest_b = grad_b->dest();  // [V]
        const double alpha = grad_b->alpha();
        const double beta = grad_b->beta();
        for (std::size_t v = 0; v < V; ++v) dest_b(v) = beta == 0.0 ? 0.0 : beta * dest_b(v);
        for (std::size_t r = 0; r < rows; ++r) {
            const double* g_row = grad_z.data() + r * V;
            for (std::size_t v = 0; v < V; ++v) dest_b(v) += alpha * g_row[v];
        }
        grad_b->mark_written();
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
