#pragma once
/// LayerNorm over the last axis, exactly as torch.nn.LayerNorm(C) / F.layer_norm(x, (C,),
/// gamma, beta, eps): each row of C features is centred, scaled to unit (biased) variance and
/// given a learned scale gamma and shift beta.
///
///   forward:   mean = (1/C) sum_j x_j,  var = (1/C) sum_j (x_j - mean)^2   (biased, as torch)
///              rstd = 1 / sqrt(var + eps),  xhat = (x - mean) rstd
///              y = xhat * gamma + beta
///              x [..., C] (every leading index is one row),  gamma [C],  beta [C],  y [..., C]
///   backward:  g = dL/dy * gamma                                              [..., C]
///              dL/dx = rstd (g - mean(g) - xhat mean(g xhat))   (means over the row) [..., C]
///              dL/dgamma = sum over rows of dL/dy * xhat                      [C]
///              dL/dbeta  = sum over rows of dL/dy                             [C]
///
/// eps (default 1e-5, torch's) is configuration: LayerNorm{1e-6}. Forward saves each row's
/// mean and rstd in `saved` (torch saves the same two); backward rebuilds xhat from x with
/// them. The variance is the two-pass sum of squared deviations, never E[x^2] - E[x]^2 (which
/// cancels catastrophically for rows with a large mean).

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct LayerNorm {
    static constexpr const char* name = "LayerNorm";
    static constexpr const char* forward_formula =
        "y = (x - mean) rstd * gamma + beta,  rstd = 1 / sqrt(var + eps)  (mean, biased var over "
        "the last axis)";
    static constexpr const char* backward_formula =
        "dL/dx = rstd (g - mean(g) - xhat mean(g xhat)),  g = dL/dy gamma,  xhat = (x - mean) "
        "rstd,  dL/dgamma = sum over rows of dL/dy xhat,  dL/dbeta = sum over rows of dL/dy";
    double eps = 1e-5;  // added to the variance under the square root
    struct Saved {
        Array mean;  // per row     [rows]
        Array rstd;  // 1 / sqrt(var + eps) per row   [rows]
    } saved{};

    void forward(const Inputs<3>& in, Array& y);
    void backward(const Inputs<3>& in, const Array& y, const Array& grad_y, GradTargets<3>& grad);
};

/// y = layer_norm(x) * gamma + beta over the last axis
inline Tensor layer_norm(Tape& tape, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                         double eps = 1e-5) {
    return tape.apply(LayerNorm{eps}, x, gamma, beta);
}

}  // namespace tapegrad
