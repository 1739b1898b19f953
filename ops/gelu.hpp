#pragma once
/// GELU: the Gaussian error linear unit in its tanh form, GPT-2's activation, exactly as
/// torch.nn.functional.gelu(x, approximate="tanh").
///
///   forward:   y = 0.5 x (1 + t),  t = tanh(k (x + 0.044715 x^3)),  k = sqrt(2/pi)
///              x any shape, y same shape
///   backward:  dL/dx = dL/dy * (0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2))
///              (the exact derivative of the tanh form, not of the erf GELU it approximates)
///
/// Forward keeps t in `saved` so backward does not evaluate tanh again; the engine carries
/// `saved` from step to step, so replaying the tape allocates nothing at size.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct GELU {
    static constexpr const char* name = "GELU";
    static constexpr const char* forward_formula =
        "y = 0.5 x (1 + t),  t = tanh(k (x + 0.044715 x^3)),  k = sqrt(2/pi)";
    static constexpr const char* backward_formula =
        "dL/dx = dL/dy * (0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 * 0.044715 x^2))";
    struct Saved {
        Array t;  // tanh(k (x + 0.044715 x^3))   [shape of x]
    } saved{};

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

/// y = gelu(x), tanh form
inline Tensor gelu(Tape& tape, const Tensor& x) {
    return tape.apply(GELU{}, x);
}

}  // namespace tapegrad
