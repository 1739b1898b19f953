#pragma once
/// SoftmaxCrossEntropy: softmax and cross-entropy fused, from logits. The default loss for
/// training.
///
///   forward:   L = (1/B) sum_r ( log sum_j e^(z[r, j]) - z[r, t_r] )
///                = -(1/B) sum_r log p[r, t_r]          with p = softmax(z)
///              z [..., V] (any rank >= 1: [V], [B, V], [B, T, V]; every leading index is one
///              row, a position), targets: one per row (the leading shape, flattened), L scalar
///              Rows whose target is ignore_index (default -100, torch's: padding) count for
///              nothing: the sum runs over the other rows and B is their number.
///   backward:  dL/dz = (p - y) / B                     [..., V] (y = one-hot of the targets;
///              0 in ignored rows), times the incoming dL/dL, which is 1 when L is the loss
///
/// With every row ignored, B = 0 and L = 0/0 = NaN, exactly as
/// torch.nn.functional.cross_entropy gives; the gradient is 0 everywhere (no row contributes),
/// also as torch, so a step on an all-padding batch leaves the parameters unchanged while the
/// NaN loss says there was nothing to learn from. (A FiniteCheck on the tape reports it.)
///
/// Same numbers as Softmax followed by CrossEntropy, computed without ever forming log p
/// from a rounded p: log sum_j e^z_j = m + log sum_j e^(z_j - m) with m the row maximum, so
/// logits of +-1000 give a finite, exact loss and gradient where p itself underflows to 0.
/// The backward is the slide's dL/dz = p - y directly, no Jacobian needed. Forward keeps
/// e^(z - m) and the row sums (one vectorized exp pass over B x V in the whole step, the
/// costliest pass besides the GEMMs at V = 32000); backward only scales them,
/// p = e^(z - m) / sum. Rows run in parallel (engine/kernels/parallel_for.hpp), each row's loss
/// kept apart and the sum taken in row order, so any thread count gives the same bits. What
/// forward saves is in `saved`, which the engine carries from step to step, so replaying the
/// tape allocates nothing at size.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"
#include "ops/class_targets.hpp"

namespace tapegrad {

struct SoftmaxCrossEntropy {
    static constexpr const char* name = "SoftmaxCrossEntropy";
    static constexpr const char* forward_formula =
        "L = -(1/B) sum_r log p[r, t_r],  p = softmax(z)";
    static constexpr const char* backward_formula =
        "dL/dz = (p - y) / B   (y = one-hot of the targets)";
    std::vector<std::int64_t> targets;                 // one class index per row, 0-based
    std::int64_t ignore_index = default_ignore_index;  // a target that marks a row to skip
    struct Saved {
        Array exp_shifted;             // e^(z - m), m the row maximum (ignored rows unset) [..., V]
        std::vector<double> row_sums;  // sum_j e^(z_j - m) per row                       [rows]
        std::vector<double> row_loss;  // -log p[r, t_r] per row, added up in row order   [rows]
        std::size_t counted = 0;       // B: the rows not ignored
    } saved{};

    void forward(const Inputs<1>& in, Array& loss);
    void backward(const Inputs<1>& in, const Array& loss, const Array& grad_loss,
                  GradTargets<1>& grad);
};

/// `targets`: a braced list, a std::vector<std::int64_t> or a std::vector<std::size_t>.
inline Tensor softmax_cross_entropy(Tape& tape, const Tensor& z, ClassTargets targets,
                                    std::int64_t ignore_index = default_ignore_index) {
    return tape.apply(SoftmaxCrossEntropy{std::move(targets.values), ignore_index}, z);
}

}  // namespace tapegrad
