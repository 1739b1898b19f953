#include "ops/mul.hpp"

#include <xtensor/xnoalias.hpp>

#include "ops/add.hpp"

namespace tapegrad {

void Mul::forward(const Inputs<2>& in, Array& y) {
    const Array& a = in[0];
    const Array& b = in[1];
    check_same_shape(name, a, b);
    y.resize(a.shape());     // shape of a
    xt::noalias(y) = a * b;  // shape of a
}

void Mul::backward(const Inputs<2>& in, const Array&, const Array& grad_y, GradTargets<2>& grad) {
    const Array& a = in[0];
    const Array& b = in[1];
    grad[0].set(grad_y * b);  // shape of a
    grad[1].set(grad_y * a);  // shape of b
}

}  // namespace tapegrad
