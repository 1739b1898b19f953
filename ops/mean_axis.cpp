#include "ops/mean_axis.hpp"

#include "ops/sum_axis.hpp"

namespace tapegrad {

void MeanAxis::forward(const Inputs<1>& in, Array& y) {
    check_axis(name, in[0], axis, true);
    const double n = static_cast<double>(in[0].shape()[axis]);
    reduce_axis(in[0], axis, 1.0 / n, y);
}

void MeanAxis::backward(const Inputs<1>& in, const Array&, const Array& grad_y,
                        GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const double n = static_cast<double>(in[0].shape()[axis]);
    spread_axis(grad_y, axis, 1.0 / n, grad[0].array());
}

}  // namespace tapegrad
