#pragma once
/// AddBias: adds b to every trailing block of x whose shape is b's (a bias [C] to x [..., C];
/// position embeddings wpe [T, C] to x [B, T, C]).
///
///   forward:   y[r, s] = x[r, s] + b[s]           x [R..., S...],  b [S...] (a suffix of x's
///                                                 shape, possibly all of it),  y like x
///   backward:  dL/dx = dL/dy,   dL/db[s] = sum over r of dL/dy[r, s]   (the leading dims R)
///
/// x is seen as rows [x.size / b.size, b.size]; backward sums the rows in order.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct AddBias {
    static constexpr const char* name = "AddBias";
    static constexpr const char* forward_formula =
        "y[r, s] = x[r, s] + b[s]   (b [S...], x [R..., S...])";
    static constexpr const char* backward_formula =
        "dL/dx = dL/dy,  dL/db[s] = sum over r of dL/dy[r, s]";

    void forward(const Inputs<2>& in, Array& y);
    void backward(const Inputs<2>& in, const Array& y, const Array& grad_y, GradTargets<2>& grad);
};

inline Tensor add_bias(Tape& tape, const Tensor& x, const Tensor& b) {
    return tape.apply(AddBias{}, x, b);
}

}  // namespace tapegrad
