#pragma once
/// ReLU: elementwise rectified linear unit.
///
///   forward:   y = max(x, 0)                      x any shape, y same shape
///   backward:  dL/dx = dL/dy  where x > 0,  0 where x <= 0
///
/// At x = 0 ReLU has no derivative; like PyTorch we pass 0 there. A finite-difference check
/// straddling 0 sees the kink, so test it with inputs away from 0.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct ReLU {
    static constexpr const char* name = "ReLU";
    static constexpr const char* forward_formula = "y = max(x, 0)";
    static constexpr const char* backward_formula = "dL/dx = dL/dy where x > 0, else 0";

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor relu(Tape& tape, const Tensor& x) {
    return tape.apply(ReLU{}, x);
}

}  // namespace tapegrad
