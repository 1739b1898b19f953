#pragma once
/// Scale: multiplies by a constant (attention's 1 / sqrt(d) on the scores).
///
///   forward:   y = c x            x any shape, y same shape, c a fixed number
///   backward:  dL/dx = c dL/dy

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Scale {
    static constexpr const char* name = "Scale";
    static constexpr const char* forward_formula = "y = c x";
    static constexpr const char* backward_formula = "dL/dx = c dL/dy";
    double c = 1.0;  // configuration

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor scale(Tape& tape, const Tensor& x, double c) {
    return tape.apply(Scale{c}, x);
}

}  // namespace tapegrad
