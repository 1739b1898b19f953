#include "ops/transpose.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace tapegrad {

void swap_axes(const Array& in, std::size_t a, std::size_t b, Array& out) {
    if (a == b) {  // one axis "swapped" with itself: the identity
        std::copy(in.begin(), in.end(), out.begin());
        return;
    }
    if (a > b) std::swap(a, b);
    const Shape& s = in.shape();
    std::size_t outer = 1, middle = 1, inner = 1;
    for (std::size_t i = 0; i < a; ++i) outer *= s[i];
    for (std::size_t i = a + 1; i < b; ++i) middle *= s[i];
    for (std::size_t i = b + 1; i < s.size(); ++i) inner *= s[i];
    const std::size_t n_a = s[a], n_b = s[b];
    // in  [outer, n_a, middle, n_b, inner]  ->  out [outer, n_b, middle, n_a, inner]
    const double* x = in.data();
    double* y = out.data();
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < n_a; ++i)
            for (std::size_t m = 0; m < middle; ++m)
                for (std::size_t j = 0; j < n_b; ++j) {
                    const double* from = x + (((o * n_a + i) * middle + m) * n_b + j) * inner;
                    double* to = y + (((o * n_b + j) * middle + m) * n_a + i) * inner;
                    std::copy(from, from + inner, to);
                }
}

void Transpose::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    if (axis0 >= x.dimension() || axis1 >= x.dimension()) {
        throw std::invalid_argument(std::string(name) + ": axes " + std::to_string(axis0) +
                                    " and " + std::to_string(axis1) + " do not both exist in x " +
                                    shape_string(x));
    }
    Shape y_shape = x.shape();
    std::swap(y_shape[axis0], y_shape[axis1]);
    y.resize(y_shape);  // [x's shape, axis0 and axis1 exchanged]
    swap_axes(x, axis0, axis1, y);
}

void Transpose::backward(const Inputs<1>&, const Array&, const Array& grad_y,
                         GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    Array& grad_x = grad[0].array();  // [shape of x]
    swap_axes(grad_y, axis0, axis1, grad_x);
}

}  // namespace tapegrad
