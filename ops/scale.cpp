#include "ops/scale.hpp"

#include <xtensor/xnoalias.hpp>

namespace tapegrad {

void Scale::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    y.resize(x.shape());     // shape of x
    xt::noalias(y) = c * x;  // shape of x
}

void Scale::backward(const Inputs<1>&, const Array&, const Array& grad_y, GradTargets<1>& grad) {
    grad[0].set(c * grad_y);  // shape of x
}

}  // namespace tapegrad
