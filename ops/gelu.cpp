#include "ops/gelu.hpp"

#include <algorithm>
#include <cmath>

#include "engine/kernels/exp_kernels.hpp"
#include "engine/kernels/parallel_for.hpp"

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
    const double* xs = x.data();
    double* t = saved.t.data();
    double* ys = y.data();
    // In blocks that stay in L1 between the three steps: one pass over memory, not three.
    // (A multiple of every SIMD width: the same elements take the same path as unblocked.)
    // Blocks are independent: a range of whole blocks per thread.
    constexpr std::size_t block = 512;
    const std::size_t blocks = (n + block - 1) / block;
    parallel_for(blocks, grain_for(block), [&](std::size_t first, std::size_t last) {
        for (std::size_t start = first * block; start < std::min(n, last * block); start += block) {
            const std::size_t end = std::min(n, start + block);
            for (std::size_t i = start; i < end; ++i)
                t[i] = k * (xs[i] + kappa * xs[i] * xs[i] * xs[i]);
            tanh_values(t + start, t + start, end - start);  // t = tanh(k (x + 0.044715 x^3))
            for (std::size_t i = start; i < end; ++i) ys[i] = 0.5 * xs[i] * (1.0 + t[i]);
        }
    });
}

void GELU::backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const Array& x = in[0];
    Array& grad_x = grad[0].array();  // shape of x
    const double* xs = x.data();
    const double* ts = saved.t.data();
    const double* gy = grad_y.data();
    double* gx = grad_x.data();
    // Elements are independent: a range of them per thread.
    parallel_for(x.size(), grain_for(1), [&](std::size_t first, std::size_t last) {
        for (std::size_t i = first; i < last; ++i) {
            const double xi = xs[i];
            const double t = ts[i];
            // d/dx [0.5 x (1 + t)] = 0.5 (1 + t) + 0.5 x dt/dx,
            // dt/dx = (1 - t^2) k (1 + 3 kappa x^2)
            const double dy_dx =
                0.5 * (1.0 + t) + 0.5 * xi * (1.0 - t * t) * k * (1.0 + 3.0 * kappa * xi * xi);
            gx[i] = gy[i] * dy_dx;
        }
    });
}

}  // namespace tapegrad
