#include "ops/soft_target_cross_entropy.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/kernels/exp_kernels.hpp"

namespace tapegrad {

namespace {

// Throws std::invalid_argument naming the op and the shapes unless z is a non-empty [V] or
// [B, V] array and y, of the same shape, holds one probability distribution per row.
void check_target_distribution(const Array& z, const Array& y) {
    const std::string op = SoftTargetCrossEntropy::name;
    if ((z.dimension() != 1 && z.dimension() != 2) || z.size() == 0)
        throw std::invalid_argument(op + ": z must be a non-empty [V] or [B, V] array, got z " +
                                    shape_string(z));
    if (!shapes_equal(y.shape(), z.shape()))
        throw std::invalid_argument(op + ": y must have the shape of z, got z " + shape_string(z) +
                                    ", y " + shape_string(y));
    const std::size_t V = z.shape()[z.dimension() - 1];
    for (std::size_t r = 0; r < z.size() / V; ++r) {
        double sum = 0.0;
        for (std::size_t j = 0; j < V; ++j) {
            const double v = y.data()[r * V + j];
            if (!std::isfinite(v) || v < 0.0)
                throw std::invalid_argument(op + ": y[" + std::to_string(r) + ", " +
                                            std::to_string(j) + "] = " + std::to_string(v) +
                                            " is not a probability (y " + shape_string(y) + ")");
            sum += v;
        }
        if (std::abs(sum - 1.0) > 1e-6)
            throw std::invalid_argument(op + ": row " + std::to_string(r) + " of y sums to " +
                                        std::to_string(sum) + ", not 1 (y " + shape_string(y) +
                                        ")");
    }
}

}  // namespace

void SoftTargetCrossEntropy::forward(const Inputs<1>& in, Array& loss) {
    const Array& z = in[0];
    check_target_distribution(z, y);
    const std::size_t V = z.shape()[z.dimension() - 1];
    const std::size_t B = z.size() / V;
    Array& exp_shifted = saved.exp_shifted;
    std::vector<double>& row_sums = saved.row_sums;
    exp_shifted.resize(z.shape());  // [B, V] or [V]
    row_sums.resize(B);
    double sum = 0.0;
    for (std::size_t r = 0; r < B; ++r) {
        const double* z_row = z.data() + r * V;
        const double* y_row = y.data() + r * V;
        const double m = row_max(z_row, V);
        row_sums[r] = scaled_exp(z_row, m, 1.0, exp_shifted.data() + r * V, V);
        const double log_sum = m + std::log(row_sums[r]);  // log sum_j e^(z_j)
        for (std::size_t j = 0; j < V; ++j)
            // -y_j log p_j = y_j (log_sum - z_j); a zero y_j adds nothing, even for z_j = -inf
            if (y_row[j] != 0.0) sum += y_row[j] * (log_sum - z_row[j]);
    }
    loss.resize(Shape{});  // scalar
    loss() = sum / static_cast<double>(B);
}

void SoftTargetCrossEntropy::backward(const Inputs<1>& in, const Array&, const Array& grad_loss,
                                      GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const std::size_t V = in[0].shape()[in[0].dimension() - 1];
    const std::size_t B = in[0].size() / V;
    const double scale = grad_loss() / static_cast<double>(B);  // dL/dL / B
    Array& grad_z = grad[0].array();                            // [B, V] or [V]
    for (std::size_t r = 0; r < B; ++r) {
        const double* e_row = saved.exp_shifted.data() + r * V;
        const double* y_row = y.data() + r * V;
        double s = 0.0;  // s_r = sum_j y[r, j], 1 up to the rounding of the row
        for (std::size_t j = 0; j < V; ++j) s += y_row[j];
        const double c = s / saved.row_sums[r];  // p_j s_r = e_j s_r / sum
        for (std::size_t j = 0; j < V; ++j)
            grad_z.data()[r * V + j] = scale * (c * e_row[j] - y_row[j]);  // (p s - y) / B
    }
}

}  // namespace tapegrad
