#include "ops/slice.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tapegrad {

void Slice::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    const std::size_t n = x.dimension() == 0 ? 0 : x.shape()[x.dimension() - 1];
    if (x.dimension() == 0 || begin >= end || end > n) {
        throw std::invalid_argument(std::string(name) + ": columns [" + std::to_string(begin) +
                                    ", " + std::to_string(end) +
                                    ") of the last axis need 0 <= begin < end <= n for x "
                                    "[..., n]; got x " +
                                    shape_string(x));
    }
    Shape y_shape = x.shape();
    y_shape.back() = end - begin;
    y.resize(y_shape);  // [..., end - begin]
    const std::size_t rows = x.size() / n, width = end - begin;
    for (std::size_t r = 0; r < rows; ++r) {
        const double* x_row = x.data() + r * n + begin;
        std::copy(x_row, x_row + width, y.data() + r * width);
    }
}

void Slice::backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const std::size_t n = in[0].shape()[in[0].dimension() - 1];
    const std::size_t width = end - begin, rows = in[0].size() / n;
    Array& grad_x = grad[0].array();  // [..., n]
    for (std::size_t r = 0; r < rows; ++r) {
        double* g_row = grad_x.data() + r * n;
        const double* grad_y_row = grad_y.data() + r * width;
        std::fill(g_row, g_row + begin, 0.0);  // x[..., :begin] does not reach y
        std::copy(grad_y_row, grad_y_row + width, g_row + begin);
        std::fill(g_row + end, g_row + n, 0.0);  // nor x[..., end:]
    }
}

}  // namespace tapegrad
