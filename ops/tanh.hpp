#pragma once
/// Tanh: elementwise hyperbolic tangent, the classic hidden-layer activation.
///
///   forward:   y = tanh(x)                        x any shape, y same shape
///   backward:  dL/dx = dL/dy * (1 - y^2)           (from the saved output y, no second tanh)
///
/// tanh squashes into (-1, 1); for |x| > ~19 y rounds to +-1 and the gradient to 0 (saturation).

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Tanh {
    static constexpr const char* name = "Tanh";
    static constexpr const char* forward_formula = "y = tanh(x)";
    static constexpr const char* backward_formula = "dL/dx = dL/dy * (1 - y^2)";

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor tanh(Tape& tape, const Tensor& x) {
    return tape.apply(Tanh{}, x);
}

}  // namespace tapegrad
