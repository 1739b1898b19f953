#include "ops/add.hpp"

#include <stdexcept>
#include <string>

#include <xtensor/xnoalias.hpp>

namespace tapegrad {

void check_same_shape(const char* op, const Array& a, const Array& b) {
    if (shapes_equal(a.shape(), b.shape())) return;
    throw std::invalid_argument(std::string(op) + ": a and b must have the same shape; got a " +
                                shape_string(a) + ", b " + shape_string(b));
}

void Add::forward(const Inputs<2>& in, Array& y) {
    const Array& a = in[0];
    const Array& b = in[1];
    check_same_shape(name, a, b);
    y.resize(a.shape());     // shape of a
    xt::noalias(y) = a + b;  // shape of a
}

void Add::backward(const Inputs<2>&, const Array&, const Array& grad_y, GradTargets<2>& grad) {
    grad[0].set(grad_y);  // shape of a
    grad[1].set(grad_y);  // shape of b
}

}  // namespace tapegrad
