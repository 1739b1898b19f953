#pragma once
/// Linear: the decoder's output layer, logits from a context vector.
///
///   forward:   z = x W^T + b
///              x [..., d] (one input [d], a batch [B, d], a sequence batch [B, T, d]),
///              W [V, d],  b [V] (optional),  z [..., V]
///   backward:  dL/dx = dL/dz W                          [..., d]
///              dL/dW = (dL/dz)^T x                      [V, d]   (summed over all rows)
///              dL/db = sum over rows of dL/dz           [V]
///
/// For a single input and softmax + cross-entropy on top, dL/dz = p - y, so
/// dL/dW = (p - y) x^T: the slide's formula for the update of W_out.
/// All leading dimensions of x count as rows: each product is one BLAS call on the stored
/// data (transposes are flags, not copies).
///
/// Apply with two inputs (x, W) for no bias or three (x, W, b).

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Linear {
    static constexpr const char* name = "Linear";
    static constexpr const char* forward_formula(std::size_t inputs) {
        return inputs == 3 ? "z = x W^T + b" : "z = x W^T";
    }
    static constexpr const char* backward_formula(std::size_t inputs) {
        return inputs == 3
                   ? "dL/dx = dL/dz W,  dL/dW = (dL/dz)^T x,  dL/db = sum over rows of dL/dz"
                   : "dL/dx = dL/dz W,  dL/dW = (dL/dz)^T x";
    }

    void forward(const Inputs<2>& in, Array& z);
    void forward(const Inputs<3>& in, Array& z);
    void backward(const Inputs<2>& in, const Array& z, const Array& grad_z, GradTargets<2>& grad);
    void backward(const Inputs<3>& in, const Array& z, const Array& grad_z, GradTargets<3>& grad);
};

/// Throws std::invalid_argument naming `op` and every shape unless x [..., d], W [V, d] and b [V]
/// (b optional) fit and are non-empty. Linear's check, shared with LinearCrossEntropy.
void check_linear_shapes(const char* op, const Array& x, const Array& W, const Array* b);

/// z = x W^T
inline Tensor linear(Tape& tape, const Tensor& x, const Tensor& W) {
    return tape.apply(Linear{}, x, W);
}
/// z = x W^T + b
inline Tensor linear(Tape& tape, const Tensor& x, const Tensor& W, const Tensor& b) {
    return tape.apply(Linear{}, x, W, b);
}

}  // namespace tapegrad
