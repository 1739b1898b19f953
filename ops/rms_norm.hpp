#pragma once
/// RMSNorm over the last axis (Zhang & Sennrich 2019; LLaMA's norm): each row of C features is
/// divided by its root mean square and given a learned scale gamma. No centring, no shift.
///
///   forward:   rrms = 1 / sqrt(mean(x^2) + eps)   (mean over the row),  xhat = x rrms
///              y = xhat * gamma
///              x [..., C] (every leading index is one row),  gamma [C],  y [..., C]
///   backward:  g = dL/dy * gamma                                          [..., C]
///              dL/dx = rrms (g - xhat mean(g xhat))   (mean over the row)  [..., C]
///              dL/dgamma = sum over rows of dL/dy * xhat                  [C]
///
/// The convention: eps is added to the mean square inside the square root, as LLaMA's
/// reference RMSNorm (x * rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight) and
/// torch.nn.RMSNorm (torch >= 2.4, given eps) do; torch 1.13 has no RMSNorm, so the PyTorch
/// check (tests/torch/kinds_rms_norm.py) is that expression. eps is configuration, default 1e-6
/// (LLaMA's RMSNorm default): RMSNorm{1e-5}. Forward saves each row's rrms in `saved`.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct RMSNorm {
    static constexpr const char* name = "RMSNorm";
    static constexpr const char* forward_formula =
        "y = x rrms * gamma,  rrms = 1 / sqrt(mean(x^2) + eps)  (mean over the last axis)";
    static constexpr const char* backward_formula =
        "dL/dx = rrms (g - xhat mean(g xhat)),  g = dL/dy gamma,  xhat = x rrms,  dL/dgamma = "
        "sum over rows of dL/dy xhat";
    double eps = 1e-6;  // added to the mean square under the square root
    struct Saved {
        Array rrms;  // 1 / sqrt(mean(x^2) + eps) per row   [rows]
    } saved{};

    void forward(const Inputs<2>& in, Array& y);
    void backward(const Inputs<2>& in, const Array& y, const Array& grad_y, GradTargets<2>& grad);
};

/// y = x / rms(x) * gamma over the last axis
inline Tensor rms_norm(Tape& tape, const Tensor& x, const Tensor& gamma, double eps = 1e-6) {
    return tape.apply(RMSNorm{eps}, x, gamma);
}

}  // namespace tapegrad
