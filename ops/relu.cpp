#include "ops/relu.hpp"

#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>

namespace tapegrad {

void ReLU::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    y.resize(x.shape());                   // shape of x
    xt::noalias(y) = xt::maximum(x, 0.0);  // shape of x
}

void ReLU::backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
    const Array& x = in[0];
    grad[0].set(xt::where(x > 0.0, grad_y, 0.0));  // shape of x
}

}  // namespace tapegrad
