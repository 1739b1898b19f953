#include "ops/layer_norm.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/kernels/parallel_for.hpp"

namespace tapegrad {

namespace {

// Throws std::invalid_argument naming the op and every shape unless x [..., C], gamma [C],
// beta [C] with C > 0, and eps is finite and >= 0.
void check_layer_norm(const Array& x, const Array& gamma, const Array& beta, double eps) {
    const bool x_ok = x.dimension() >= 1 && x.size() > 0;
    const std::size_t C = x_ok ? x.shape()[x.dimension() - 1] : 0;
    const bool fits = x_ok && gamma.dimension() == 1 && gamma.shape()[0] == C &&
                      beta.dimension() == 1 && beta.shape()[0] == C;
    if (!fits) {
        throw std::invalid_argument(
            "LayerNorm: needs x [..., C], gamma [C], beta [C] (non-empty); got x " +
            shape_string(x) + ", gamma " + shape_string(gamma) + ", beta " + shape_string(beta));
    }
    if (!(eps >= 0.0) || std::isinf(eps))
        throw std::invalid_argument("LayerNorm: eps must be finite and >= 0; got " +
                                    std::to_string(eps) + " (x " + shape_string(x) + ")");
}

}  // namespace

void LayerNorm::forward(const Inputs<3>& in, Array& y) {
    const Array& x = in[0];
    const Array& gamma = in[1];
    const Array& beta = in[2];
    check_layer_norm(x, gamma, beta, eps);
    const std::size_t C = x.shape()[x.dimension() - 1];
    const std::size_t rows = x.size() / C;
    saved.mean.resize({rows});       // [rows]
    saved.rstd.resize({rows});       // [rows]
    y.resize(x.shape());             // [..., C]
    const double* g = gamma.data();  // raw pointers in the loops: they vectorize
    const double* b = beta.data();
    // Rows are independent: each range of rows is normalized whole by one thread.
    parallel_for(rows, grain_for(C), [&](std::size_t first, std::size_t last) {
        for (std::size_t r = first; r < last; ++r) {
            const double* x_row = x.data() + r * C;
            double sum = 0.0;
            for (std::size_t j = 0; j < C; ++j) sum += x_row[j];
            const double mean = sum / static_cast<double>(C);
            double squares = 0.0;
            for (std::size_t j = 0; j < C; ++j) squares += (x_row[j] - mean) * (x_row[j] - mean);
            const double var = squares / static_cast<double>(C);  // biased, as torch
            const double rstd = 1.0 / std::sqrt(var + eps);
            saved.mean.data()[r] = mean;
            saved.rstd.data()[r] = rstd;
            double* y_row = y.data() + r * C;
            for (std::size_t j = 0; j < C; ++j) {
                const double xhat = (x_row[j] - mean) * rstd;
                y_row[j] = xhat * g[j] + b[j];
            }
        }
    });
}

void LayerNorm::backward(const Inputs<3>& in, const Array&, const Array& grad_y,
                         GradTargets<3>& grad) {
    const Array& x = in[0];
    const Array& gamma = in[1];
    const std::size_t C = x.shape()[x.dimension() - 1];
    const std::size_t rows = x.size() / C;
    const double inv_C = 1.0 / static_cast<double>(C);
    Array* grad_x = grad[0].wanted() ? &grad[0].array() : nullptr;      // [..., C]
    Array* grad_gamma = grad[1].wanted() ? &grad[1].array() : nullptr;  // [C]
    Array* grad_beta = grad[2].wanted() ? &grad[2].array() : nullptr;   // [C]
    if (grad_gamma) std::fill(grad_gamma->begin(), grad_gamma->end(), 0.0);
    if (grad_beta) std::fill(grad_beta->begin(), grad_beta->end(), 0.0);
    const double* gam = gamma.data();  // raw pointers in the loops: they vectorize
    double* dgamma = grad_gamma ? grad_gamma->data() : nullptr;
    double* dbeta = grad_beta ? grad_beta->data() : nullptr;
    const double* mean = saved.mean.data();  // [rows]
    const double* rstd = saved.rstd.data();  // [rows]
    if (grad_x) {
        // Rows are independent: a range of rows per thread.
        parallel_for(rows, grain_for(C), [&](std::size_t first, std::size_t last) {
            for (std::size_t r = first; r < last; ++r) {
                const double* x_row = x.data() + r * C;
                const double* dy = grad_y.data() + r * C;
                const double m = mean[r], s = rstd[r];
                // mean(g) and mean(g xhat) over the row, g = dL/dy gamma
                double sum_g = 0.0, sum_g_xhat = 0.0;
                for (std::size_t j = 0; j < C; ++j) {
                    const double g = dy[j] * gam[j];
                    const double xhat = (x_row[j] - m) * s;
                    sum_g += g;
                    sum_g_xhat += g * xhat;
                }
                const double mean_g = sum_g * inv_C;
                const double mean_g_xhat = sum_g_xhat * inv_C;
                double* dx = grad_x->data() + r * C;
                for (std::size_t j = 0; j < C; ++j) {
                    const double g = dy[j] * gam[j];
                    const double xhat = (x_row[j] - m) * s;
                    dx[j] = s * (g - mean_g - xhat * mean_g_xhat);
                }
            }
        });
    }
    if (dgamma || dbeta) {
        // Sums over the rows, split by columns: each column's sum is added up by one thread in
        // row order, so the bits do not depend on the thread count.
        parallel_for(C, grain_for(rows), [&](std::size_t first, std::size_t last) {
            for (std::size_t r = 0; r < rows; ++r) {
                const double* x_row = x.data() + r * C;
                const double* dy = grad_y.data() + r * C;
                const double m = mean[r], s = rstd[r];
                if (dgamma) {
                    for (std::size_t j = first; j < last; ++j)  // dL/dgamma = sum dL/dy xhat
                        dgamma[j] += dy[j] * ((x_row[j] - m) * s);
                }
                if (dbeta) {
                    for (std::size_t j = first; j < last; ++j) dbeta[j] += dy[j];  // sum dL/dy
                }
            }
        });
    }
}

}  // namespace tapegrad
