#include "ops/tanh.hpp"

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

namespace tapegrad {

void Tanh::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    y.resize(x.shape());           // shape of x
    xt::noalias(y) = xt::tanh(x);  // shape of x
}

void Tanh::backward(const Inputs<1>&, const Array& y, const Array& grad_y, GradTargets<1>& grad) {
    grad[0].set(grad_y * (1.0 - y * y));  // shape of x
}

}  // namespace tapegrad
