#pragma once
/// Mean: the average of all elements.
///
///   forward:   L = (1/n) sum_i x_i    x any shape with n >= 1 elements,  L scalar []
///   backward:  dL/dx_i = dL/dL / n

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Mean {
    static constexpr const char* name = "Mean";
    static constexpr const char* forward_formula = "L = (1/n) sum_i x_i";
    static constexpr const char* backward_formula = "dL/dx_i = dL/dL / n";

    void forward(const Inputs<1>& in, Array& L);
    void backward(const Inputs<1>& in, const Array& L, const Array& grad_L, GradTargets<1>& grad);
};

inline Tensor mean(Tape& tape, const Tensor& x) {
    return tape.apply(Mean{}, x);
}

}  // namespace tapegrad
