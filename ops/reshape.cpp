#include "ops/reshape.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tapegrad {

void Reshape::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    std::size_t count = 1;
    for (std::size_t d : shape) count *= d;
    if (count != x.size()) {
        throw std::invalid_argument(std::string(name) + ": x " + shape_string(x) + " has " +
                                    std::to_string(x.size()) + " elements, the shape " +
                                    shape_string(shape) + " " + std::to_string(count));
    }
    y.resize(shape);  // [shape]
    std::copy(x.begin(), x.end(), y.begin());
}

void Reshape::backward(const Inputs<1>&, const Array&, const Array& grad_y, GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    Array& grad_x = grad[0].array();  // [shape of x]
    std::copy(grad_y.begin(), grad_y.end(), grad_x.begin());
}

}  // namespace tapegrad
