#include "ops/add_bias.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tapegrad {

void AddBias::forward(const Inputs<2>& in, Array& y) {
    const Array& x = in[0];
    const Array& b = in[1];
    const std::size_t lead = x.dimension() >= b.dimension() ? x.dimension() - b.dimension() : 0;
    const bool suffix = x.dimension() >= b.dimension() &&
                        std::equal(b.shape().begin(), b.shape().end(), x.shape().begin() + lead);
    if (!suffix) {
        throw std::invalid_argument(std::string(name) + ": b's shape must be a suffix of x's " +
                                    "(x [R..., S...], b [S...]); got x " + shape_string(x) +
                                    ", b " + shape_string(b));
    }
    y.resize(x.shape());  // shape of x
    const std::size_t S = b.size();
    if (S == 0) return;
    const std::size_t rows = x.size() / S;
    for (std::size_t r = 0; r < rows; ++r) {
        const double* x_row = x.data() + r * S;
        double* y_row = y.data() + r * S;
        for (std::size_t s = 0; s < S; ++s) y_row[s] = x_row[s] + b.data()[s];
    }
}

void AddBias::backward(const Inputs<2>& in, const Array&, const Array& grad_y,
                       GradTargets<2>& grad) {
    grad[0].set(grad_y);  // dL/dx = dL/dy   [shape of x]
    if (!grad[1].wanted()) return;
    const std::size_t S = in[1].size();
    Array& grad_b = grad[1].array();  // [S...]
    std::fill(grad_b.begin(), grad_b.end(), 0.0);
    if (S == 0) return;
    const std::size_t rows = grad_y.size() / S;
    for (std::size_t r = 0; r < rows; ++r) {
        const double* g_row = grad_y.data() + r * S;
        for (std::size_t s = 0; s < S; ++s) grad_b.data()[s] += g_row[s];
    }
}

}  // namespace tapegrad
