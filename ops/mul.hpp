#pragma once
/// Mul: elementwise (Hadamard) product of two arrays of the same shape.
///
///   forward:   y = a * b                           a, b, y of one shape
///   backward:  dL/da = dL/dy * b,   dL/db = dL/dy * a
///
/// No broadcasting: a and b must have the same shape. Mul(x, x) is x^2: the engine sums both
/// contributions, dL/dx = dL/dy * x + dL/dy * x = 2 x dL/dy.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Mul {
    static constexpr const char* name = "Mul";
    static constexpr const char* forward_formula = "y = a * b  (elementwise)";
    static constexpr const char* backward_formula = "dL/da = dL/dy * b,  dL/db = dL/dy * a";

    void forward(const Inputs<2>& in, Array& y);
    void backward(const Inputs<2>& in, const Array& y, const Array& grad_y, GradTargets<2>& grad);
};

inline Tensor mul(Tape& tape, const Tensor& a, const Tensor& b) {
    return tape.apply(Mul{}, a, b);
}

}  // namespace tapegrad
