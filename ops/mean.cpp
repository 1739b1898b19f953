#include "ops/mean.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tapegrad {

void Mean::forward(const Inputs<1>& in, Array& L) {
    const Array& x = in[0];
    if (x.size() == 0)
        throw std::invalid_argument(std::string(name) + ": x " + shape_string(x) +
                                    " has no elements (the mean of nothing is undefined)");
    double total = 0.0;  // in element order, then one division
    for (double v : x) total += v;
    L.resize(Shape{});  // scalar
    L() = total / static_cast<double>(x.size());
}

void Mean::backward(const Inputs<1>& in, const Array&, const Array& grad_L, GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    Array& grad_x = grad[0].array();  // [shape of x]
    std::fill(grad_x.begin(), grad_x.end(), grad_L() / static_cast<double>(in[0].size()));
}

}  // namespace tapegrad
