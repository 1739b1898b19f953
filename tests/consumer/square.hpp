#pragma once
/// Square: y = x^2, elementwise. A layer added outside tapegrad, with only its public API.
///
///   forward:   y = x^2                             x any shape, y same shape
///   backward:  dL/dx = dL/dy * 2x

#include <xtensor/xnoalias.hpp>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

struct Square {
    static constexpr const char* name = "Square";
    static constexpr const char* forward_formula = "y = x^2";
    static constexpr const char* backward_formula = "dL/dx = dL/dy * 2x";

    void forward(const tapegrad::Inputs<1>& in, tapegrad::Array& y) {
        const tapegrad::Array& x = in[0];
        y.resize(x.shape());     // shape of x
        xt::noalias(y) = x * x;  // shape of x
    }
    void backward(const tapegrad::Inputs<1>& in, const tapegrad::Array& /*y*/,
                  const tapegrad::Array& grad_y, tapegrad::GradTargets<1>& grad) {
        const tapegrad::Array& x = in[0];
        grad[0].set(grad_y * 2.0 * x);  // shape of x
    }
};

inline tapegrad::Tensor square(tapegrad::Tape& tape, const tapegrad::Tensor& x) {
    return tape.apply(Square{}, x);
}
