#include "ops/sigmoid.hpp"

#include <cmath>

namespace tapegrad {

void Sigmoid::forward(const Inputs<1>& in, Array& y) {
    const Array& x = in[0];
    y.resize(x.shape());  // shape of x
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x.data()[i];
        if (v >= 0.0) {
            y.data()[i] = 1.0 / (1.0 + std::exp(-v));
        } else {
            const double e = std::exp(v);  // no overflow for v < 0
            y.data()[i] = e / (1.0 + e);
        }
    }
}

void Sigmoid::backward(const Inputs<1>&, const Array& y, const Array& grad_y,
                       GradTargets<1>& grad) {
    grad[0].set(grad_y * y * (1.0 - y));  // shape of x
}

}  // namespace tapegrad
