#include "ops/sum.hpp"

#include <algorithm>

namespace tapegrad {

void Sum::forward(const Inputs<1>& in, Array& L) {
    const Array& x = in[0];
    double total = 0.0;  // in element order, one rounding per element
    for (double v : x) total += v;
    L.resize(Shape{});  // scalar
    L() = total;
}

void Sum::backward(const Inputs<1>&, const Array&, const Array& grad_L, GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    Array& grad_x = grad[0].array();  // [shape of x]
    std::fill(grad_x.begin(), grad_x.end(), grad_L());
}

}  // namespace tapegrad
