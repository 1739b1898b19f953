#include "ops/softmax_cross_entropy.hpp"

#include <algorithm>
#include <cmath>

#include "ops/cross_entropy.hpp"

namespace tapegrad {

namespace {

// log sum_j e^(z_j) of one row, computed as m + log sum_j e^(z_j - m) so that no exponent
// is positive (no overflow) and the largest term is exactly 1 (no total underflow).
double log_sum_exp(const double* z, std::size_t V) {
    const double m = *std::max_element(z, z + V);
    double sum = 0.0;
    for (std::size_t j = 0; j < V; ++j) sum += std::exp(z[j] - m);
    return m + std::log(sum);
}

}  // namespace

void SoftmaxCrossEntropy::forward(const Inputs<1>& in, Array& loss) {
    const Array& z = in[0];
    check_class_targets(name, z, targets);
    const std::size_t V = z.shape()[z.dimension() - 1];
    const std::size_t B = targets.size();
    double sum = 0.0;
    for (std::size_t r = 0; r < B; ++r) {
        const double* z_row = z.data() + r * V;
        sum += log_sum_exp(z_row, V) - z_row[targets[r]];  // -log p[r, t_r]
    }
    loss.resize(Shape{});  // scalar
    loss() = sum / static_cast<double>(B);
}

void SoftmaxCrossEntropy::backward(const Inputs<1>& in, const Array&, const Array& grad_loss,
                                   GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const Array& z = in[0];
    const std::size_t V = z.shape()[z.dimension() - 1];
    const std::size_t B = targets.size();
    const double scale = grad_loss() / static_cast<double>(B);
    Array grad_z(z.shape());  // [B, V] or [V]
    for (std::size_t r = 0; r < B; ++r) {
        const double* z_row = z.data() + r * V;
        double* g_row = grad_z.data() + r * V;
        const double lse = log_sum_exp(z_row, V);
        for (std::size_t j = 0; j < V; ++j) g_row[j] = scale * std::exp(z_row[j] - lse);  // p/B
        g_row[targets[r]] -= scale;                                                       // - y/B
    }
    grad[0].set(grad_z);
}

}  // namespace tapegrad
