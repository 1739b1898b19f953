#include "ops/softmax_cross_entropy.hpp"

#include <cmath>
#include <utility>

#include "engine/kernels/exp_kernels.hpp"
#include "ops/cross_entropy.hpp"

namespace tapegrad {

void SoftmaxCrossEntropy::forward(const Inputs<1>& in, Array& loss) {
    const Array& z = in[0];
    check_class_targets(name, z, targets);
    const std::size_t V = z.shape()[z.dimension() - 1];
    const std::size_t B = targets.size();
    exp_shifted.resize(z.shape());  // [B, V] or [V]
    row_sums.resize(B);
    double sum = 0.0;
    for (std::size_t r = 0; r < B; ++r) {
        const double* z_row = z.data() + r * V;
        // log sum_j e^(z_j) = m + log sum_j e^(z_j - m): no exponent is positive (no
        // overflow) and the largest term is exactly 1 (no total underflow).
        const double m = row_max(z_row, V);
        row_sums[r] = scaled_exp(z_row, m, 1.0, exp_shifted.data() + r * V, V);
        sum += m + std::log(row_sums[r]) - z_row[targets[r]];  // -log p[r, t_r]
    }
    loss.resize(Shape{});  // scalar
    loss() = sum / static_cast<double>(B);
}

void SoftmaxCrossEntropy::backward(const Inputs<1>& in, const Array&, const Array& grad_loss,
                                   GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const std::size_t V = in[0].shape()[in[0].dimension() - 1];
    const std::size_t B = targets.size();
    const double scale = grad_loss() / static_cast<double>(B);
    auto write_grad_z = [&](double* grad_z) {
        for (std::size_t r = 0; r < B; ++r) {
            const double* e_row = exp_shifted.data() + r * V;
            double* g_row = grad_z + r * V;
            const double c = scale / row_sums[r];
            for (std::size_t j = 0; j < V; ++j) g_row[j] = c * e_row[j];  // p / B
            g_row[targets[r]] -= scale;                                   // - y / B
        }
    };
    if (grad[0].overwrites()) {  // the usual case: straight into the engine's buffer
        write_grad_z(grad[0].dest().data());
        grad[0].mark_written();
    } else {  // z also feeds another node: build dL/dz, then let the target add it
        Array grad_z(in[0].shape());  // [B, V] or [V]
        write_grad_z(grad_z.data());
        grad[0].set(grad_z);
    }
}

void SoftmaxCrossEntropy::take_buffers(SoftmaxCrossEntropy& previous) {
    exp_shifted = std::move(previous.exp_shifted);
    row_sums = std::move(previous.row_sums);
}

}  // namespace tapegrad
