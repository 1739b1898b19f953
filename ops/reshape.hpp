#pragma once
/// Reshape: the same elements in row-major order under another shape.
///
///   forward:   y = x viewed as `shape`      x [any],  y [shape],  same element count
///   backward:  dL/dx = dL/dy viewed as the shape of x
///
/// A copy, not a view: every value in tapegrad is its own contiguous array, so forward copies
/// x into y and backward copies dL/dy into dL/dx. Each costs one pass over the elements
/// (read n, write n doubles); no arithmetic, and nothing is allocated once the tape is
/// replayed (y and the gradient keep their buffers). Compare a strided xtensor view
/// assignment, which is several times slower (see the pitfalls).

#include <utility>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Reshape {
    static constexpr const char* name = "Reshape";
    static constexpr const char* forward_formula = "y = x in the new shape (row-major order kept)";
    static constexpr const char* backward_formula = "dL/dx = dL/dy in the shape of x";
    Shape shape;  // configuration: the shape of y

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor reshape(Tape& tape, const Tensor& x, Shape shape) {
    return tape.apply(Reshape{std::move(shape)}, x);
}

}  // namespace tapegrad
