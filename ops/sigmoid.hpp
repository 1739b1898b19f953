#pragma once
/// Sigmoid: elementwise logistic function.
///
///   forward:   y = 1 / (1 + e^(-x))                x any shape, y same shape
///   backward:  dL/dx = dL/dy * y * (1 - y)         (from the saved output y)
///
/// For x < 0 it is computed as e^x / (1 + e^x): the same number, but e^(-x) would overflow
/// to inf for x < -709 while e^x just underflows to 0, so every finite x gives y in [0, 1].

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Sigmoid {
    static constexpr const char* name = "Sigmoid";
    static constexpr const char* forward_formula = "y = 1 / (1 + e^(-x))";
    static constexpr const char* backward_formula = "dL/dx = dL/dy * y * (1 - y)";

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor sigmoid(Tape& tape, const Tensor& x) {
    return tape.apply(Sigmoid{}, x);
}

}  // namespace tapegrad
