#pragma once
/// Add: elementwise sum of two arrays of the same shape.
///
///   forward:   y = a + b                           a, b, y of one shape
///   backward:  dL/da = dL/dy,   dL/db = dL/dy
///
/// No broadcasting: a and b must have the same shape (for a bias use Linear's b).
/// Add(x, x) is allowed: the engine then sums both contributions, dL/dx = 2 dL/dy.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Add {
    static constexpr const char* name = "Add";
    static constexpr const char* forward_formula = "y = a + b";
    static constexpr const char* backward_formula = "dL/da = dL/dy,  dL/db = dL/dy";

    void forward(const Inputs<2>& in, Array& y);
    void backward(const Inputs<2>& in, const Array& y, const Array& grad_y, GradTargets<2>& grad);
};

inline Tensor add(Tape& tape, const Tensor& a, const Tensor& b) {
    return tape.apply(Add{}, a, b);
}

/// Throws std::invalid_argument naming `op` and both shapes unless a and b have the same shape.
/// Shared by the elementwise binary ops.
void check_same_shape(const char* op, const Array& a, const Array& b);

}  // namespace tapegrad
