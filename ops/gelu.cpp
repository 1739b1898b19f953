#include "ops/gelu.hpp"

#include <cmath>

#include "engine/kernels/exp_kernels.hpp"

namespace tapegrad {

namespace {
// sqrt(2/pi), written as torch 1.13 computes it (M_SQRT2 * M_2_SQRTPI * 0.5), to the last bit.
const double k = std::sqrt(2.0) * (2.0 / std::sqrt(M_PI)) * 0.5;
constexpr double kappa = 0.044715;
}  // namespace

void GELU::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    y.resize(x.shape());        // shape of x
    saved.t.resize(x.shape());  // shape of x
    const std::size_t n = x.size();
    double* t = saved.t.data();
    for (std::size_t i = 0; i < n; ++i) {
        const double xi = x.data()[i];
        t[i] = k * (xi + kappa * xi * xi * xi);
    }
    tanh_values(t, t, n);  // t = tanh(k (x + 0.044715 x^3)), vectorized (engine/kernels)
    for (std::size_t i = 0; i < n; ++i) y.data()[i] = 0.5 * x.data()[i] * (1.0 + t[i]);
}

void GELU::backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const Array& x = in[0];
    Array& grad_x = grad[0].array();  // shape of x
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double xi = x.data()[i];
        const double t = saved.t.data()[i];
        // d/dx [0.5 x (1 + t)] = 0.5 (1 + t) + 0.5 x dt/dx,  dt/dx = (1 - t^2) k (1 + 3 kappa x^2)
        const double dy_dx =
            0.5 * (1.0 + t) + 0.5 * xi * (1.0 - t * t) * k * (1.0 + 3.0 * kappa * xi * xi);
        grad_x.data()[i] = grad_y.data()[i] * dy_dx;
    }
}

}  // namespace tapegrad
