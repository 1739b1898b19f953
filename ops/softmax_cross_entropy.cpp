#include "ops/softmax_cross_entropy.hpp"

#include <cmath>
#include <utility>

#include "engine/kernels/exp_kernels.hpp"
#include "engine/kernels/parallel_for.hpp"
#include "ops/cross_entropy.hpp"

namespace tapegrad {

void SoftmaxCrossEntropy::forward(const Inputs<1>& in, Array& loss) {
    const Array& z = in[0];
    // B: the rows that count. With none, L = 0/0 = NaN, as torch.
    const std::size_t B = check_class_targets(name, z, targets, ignore_index);
    const std::size_t V = z.shape()[z.dimension() - 1];
    const std::size_t rows = targets.size();
    Array& exp_shifted = saved.exp_shifted;
    std::vector<double>& row_sums = saved.row_sums;
    exp_shifted.resize(z.shape());  // [..., V]
    row_sums.resize(rows);
    std::vector<double>& row_loss = saved.row_loss;
    row_loss.resize(rows);
    saved.counted = B;
    // Rows are independent: a range of rows per thread, each row's loss kept apart.
    parallel_for(rows, grain_for(V), [&](std::size_t first, std::size_t last) {
        for (std::size_t r = first; r < last; ++r) {
            if (targets[r] == ignore_index) continue;  // no loss, and backward writes 0 there
            const double* z_row = z.data() + r * V;
            // log sum_j e^(z_j) = m + log sum_j e^(z_j - m): no exponent is positive (no
            // overflow) and the largest term is exactly 1 (no total underflow).
            const double m = row_max(z_row, V);
            row_sums[r] = scaled_exp(z_row, m, 1.0, exp_shifted.data() + r * V, V);
            row_loss[r] = m + std::log(row_sums[r]) - z_row[targets[r]];  // -log p[r, t_r]
        }
    });
    double sum = 0.0;  // added up in row order: the same bits on any number of threads
    for (std::size_t r = 0; r < rows; ++r) {
        if (targets[r] != ignore_index) sum += row_loss[r];
    }
    loss.resize(Shape{});  // scalar
    loss() = sum / static_cast<double>(B);
}

void SoftmaxCrossEntropy::backward(const Inputs<1>& in, const Array&, const Array& grad_loss,
                                   GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const std::size_t V = in[0].shape()[in[0].dimension() - 1];
    const std::size_t B = saved.counted;
    const double scale = grad_loss() / static_cast<double>(B);  // dL/dL / B
    Array& grad_z = grad[0].array();                            // [..., V]
    // Rows are independent: a range of rows per thread.
    parallel_for(targets.size(), grain_for(V), [&](std::size_t first, std::size_t last) {
        for (std::size_t r = first; r < last; ++r) {
            double* grad_z_row = grad_z.data() + r * V;
            if (targets[r] == ignore_index) {  // an ignored row: no loss, no gradient
                for (std::size_t j = 0; j < V; ++j) grad_z_row[j] = 0.0;
                continue;
            }
            const double* e_row = saved.exp_shifted.data() + r * V;
            const double inv_sum = 1.0 / saved.row_sums[r];
            const auto t = static_cast<std::size_t>(targets[r]);
            for (std::size_t j = 0; j < V; ++j) {
                const double p = e_row[j] * inv_sum;  // softmax p[r, j]
                const double y = j == t ? 1.0 : 0.0;  // one-hot target y[r, j]
                grad_z_row[j] = (p - y) * scale;      // dL/dz = (p - y) / B
            }
        }
    });
}

}  // namespace tapegrad
