#include "ops/sum_axis.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tapegrad {

namespace {

struct Split {
    std::size_t outer = 1, n = 1, inner = 1;  // x as [outer, n, inner]
};

Split split_at(const Shape& s, std::size_t axis) {
    Split p;
    for (std::size_t i = 0; i < axis; ++i) p.outer *= s[i];
    p.n = s[axis];
    for (std::size_t i = axis + 1; i < s.size(); ++i) p.inner *= s[i];
    return p;
}

}  // namespace

void check_axis(const char* op, const Array& x, std::size_t axis, bool needs_elements) {
    if (axis < x.dimension() && (!needs_elements || x.shape()[axis] > 0)) return;
    throw std::invalid_argument(std::string(op) + ": axis " + std::to_string(axis) +
                                (axis < x.dimension() ? " has no elements" : " does not exist") +
                                " in x " + shape_string(x));
}

void reduce_axis(const Array& x, std::size_t axis, double c, Array& y) {
    Shape y_shape(x.shape().begin(), x.shape().end());
    y_shape.erase(y_shape.begin() + static_cast<std::ptrdiff_t>(axis));
    y.resize(y_shape);  // [x's shape without the axis]
    const Split p = split_at(x.shape(), axis);
    for (std::size_t o = 0; o < p.outer; ++o) {
        double* y_row = y.data() + o * p.inner;
        std::fill(y_row, y_row + p.inner, 0.0);
        for (std::size_t j = 0; j < p.n; ++j) {
            const double* x_row = x.data() + (o * p.n + j) * p.inner;
            for (std::size_t i = 0; i < p.inner; ++i) y_row[i] += x_row[i];
        }
        if (c != 1.0)
            for (std::size_t i = 0; i < p.inner; ++i) y_row[i] *= c;
    }
}

void spread_axis(const Array& grad_y, std::size_t axis, double c, Array& grad_x) {
    const Split p = split_at(grad_x.shape(), axis);
    for (std::size_t o = 0; o < p.outer; ++o) {
        const double* g_row = grad_y.data() + o * p.inner;
        for (std::size_t j = 0; j < p.n; ++j) {
            double* gx_row = grad_x.data() + (o * p.n + j) * p.inner;
            for (std::size_t i = 0; i < p.inner; ++i) gx_row[i] = c * g_row[i];
        }
    }
}

void SumAxis::forward(const Inputs<1>& in, Array& y) {
    check_axis(name, in[0], axis, false);
    reduce_axis(in[0], axis, 1.0, y);
}

void SumAxis::backward(const Inputs<1>&, const Array&, const Array& grad_y, GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    spread_axis(grad_y, axis, 1.0, grad[0].array());
}

}  // namespace tapegrad
