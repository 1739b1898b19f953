#include "ops/rms_norm.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tapegrad {

void RMSNorm::forward(const Inputs<2>& in, Array& y) {
    const Array& x = in[0];
    const Array& gamma = in[1];
    const bool x_ok = x.dimension() >= 1 && x.size() > 0;
    const std::size_t C = x_ok ? x.shape()[x.dimension() - 1] : 0;
    if (!x_ok || gamma.dimension() != 1 || gamma.shape()[0] != C) {
        throw std::invalid_argument("RMSNorm: needs x [..., C], gamma [C] (non-empty); got x " +
                                    shape_string(x) + ", gamma " + shape_string(gamma));
    }
    if (!(eps >= 0.0) || std::isinf(eps))
        throw std::invalid_argument("RMSNorm: eps must be finite and >= 0; got " +
                                    std::to_string(eps) + " (x " + shape_string(x) + ")");
    const std::size_t rows = x.size() / C;
    saved.rrms.resize({rows});  // [rows]
    y.resize(x.shape());        // [..., C]
    for (std::size_t r = 0; r < rows; ++r) {
        const double* x_row = x.data() + r * C;
        double squares = 0.0;
        for (std::size_t j = 0; j < C; ++j) squares += x_row[j] * x_row[j];
        const double rrms = 1.0 / std::sqrt(squares / static_cast<double>(C) + eps);
        saved.rrms(r) = rrms;
        double* y_row = y.data() + r * C;
        for (std::size_t j = 0; j < C; ++j) y_row[j] = x_row[j] * rrms * gamma(j);
    }
}

void RMSNorm::backward(const Inputs<2>& in, const Array&, const Array& grad_y,
                       GradTargets<2>& grad) {
    const Array& x = in[0];
    const Array& gamma = in[1];
    const std::size_t C = x.shape()[x.dimension() - 1];
    const std::size_t rows = x.size() / C;
    Array* grad_x = grad[0].wanted() ? &grad[0].array() : nullptr;      // [..., C]
    Array* grad_gamma = grad[1].wanted() ? &grad[1].array() : nullptr;  // [C]
    if (grad_gamma) std::fill(grad_gamma->begin(), grad_gamma->end(), 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
        const double* x_row = x.data() + r * C;
        const double* dy = grad_y.data() + r * C;
        const double rrms = saved.rrms(r);
        if (grad_x) {
            double sum_g_xhat = 0.0;  // C mean(g xhat), g = dL/dy gamma
            for (std::size_t j = 0; j < C; ++j) sum_g_xhat += dy[j] * gamma(j) * x_row[j] * rrms;
            const double mean_g_xhat = sum_g_xhat / static_cast<double>(C);
            double* dx = grad_x->data() + r * C;
            for (std::size_t j = 0; j < C; ++j) {
                const double g = dy[j] * gamma(j);
                const double xhat = x_row[j] * rrms;
                dx[j] = rrms * (g - xhat * mean_g_xhat);
            }
        }
        if (grad_gamma) {
            for (std::size_t j = 0; j < C; ++j)
                (*grad_gamma)(j) += dy[j] * x_row[j] * rrms;  // dL/dgamma = sum dL/dy xhat
        }
    }
}

}  // namespace tapegrad
