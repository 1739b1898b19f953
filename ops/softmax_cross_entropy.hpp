#pragma once
/// SoftmaxCrossEntropy: softmax and cross-entropy fused, from logits. The default loss for
/// training.
///
///   forward:   L = (1/B) sum_r ( log sum_j e^(z[r, j]) - z[r, t_r] )
///                = -(1/B) sum_r log p[r, t_r]          with p = softmax(z)
///              z [B, V] (or [V], B = 1),  L scalar
///   backward:  dL/dz = (p - y) / B                     [B, V]   (y = one-hot of the targets)
///              (times the incoming dL/dL, which is 1 when L is the loss)
///
/// Same numbers as Softmax followed by CrossEntropy, computed without ever forming log p
/// from a rounded p: log sum_j e^z_j = m + log sum_j e^(z_j - m) with m the row maximum, so
/// logits of +-1000 give a finite, exact loss and gradient where p itself underflows to 0.
/// The backward is the slide's dL/dz = p - y directly, no Jacobian needed. Forward keeps
/// e^(z - m) and the row sums (one vectorized exp pass over B x V in the whole step, the
/// costliest pass besides the GEMMs at V = 32000); backward only scales them,
/// p = e^(z - m) / sum. What forward saves is in `saved`, which the engine carries from step
/// to step, so replaying the tape allocates nothing at size.

#include <cstddef>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct SoftmaxCrossEntropy {
    static constexpr const char* name = "SoftmaxCrossEntropy";
    static constexpr const char* forward_formula =
        "L = -(1/B) sum_r log p[r, t_r],  p = softmax(z)";
    static constexpr const char* backward_formula =
        "dL/dz = (p - y) / B   (y = one-hot of the targets)";
    std::vector<std::size_t> targets;  // one class index per row, 0-based
    struct Saved {
        Array exp_shifted;             // e^(z - m), m the row maximum    [B, V]
        std::vector<double> row_sums;  // sum_j e^(z_j - m) per row       [B]
    } saved{};

    void forward(const Inputs<1>& in, Array& loss);
    void backward(const Inputs<1>& in, const Array& loss, const Array& grad_loss,
                  GradTargets<1>& grad);
};

inline Tensor softmax_cross_entropy(Tape& tape, const Tensor& z, std::vector<std::size_t> targets) {
    return tape.apply(SoftmaxCrossEntropy{std::move(targets)}, z);
}

}  // namespace tapegrad
