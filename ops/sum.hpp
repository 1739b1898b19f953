#pragma once
/// Sum: all elements to one number.
///
///   forward:   L = sum_i x_i          x any shape (no elements: L = 0),  L scalar []
///   backward:  dL/dx_i = dL/dL        (every element gets the incoming gradient)

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Sum {
    static constexpr const char* name = "Sum";
    static constexpr const char* forward_formula = "L = sum_i x_i";
    static constexpr const char* backward_formula = "dL/dx_i = dL/dL";

    void forward(const Inputs<1>& in, Array& L);
    void backward(const Inputs<1>& in, const Array& L, const Array& grad_L, GradTargets<1>& grad);
};

inline Tensor sum(Tape& tape, const Tensor& x) {
    return tape.apply(Sum{}, x);
}

}  // namespace tapegrad
