#pragma once
/// SoftTargetCrossEntropy: softmax and cross-entropy fused, from logits, against a target
/// distribution y per row instead of a class index. The slide writes y as a vector
/// (y = [1, 0, 0] in Bsp. 1); this op takes that vector as it is, one-hot or not (e.g. label
/// smoothing, y = [0.9, 0.05, 0.05]).
///
///   forward:   L = -(1/B) sum_r sum_j y[r, j] log p[r, j]       p = softmax(z)
///              z [B, V] (or [V], B = 1),  y the shape of z,  L scalar
///   backward:  dL/dz[r, j] = (p[r, j] s_r - y[r, j]) / B       s_r = sum_j y[r, j]
///                          = (p - y) / B                       when each row of y sums to 1
///              (times the incoming dL/dL, which is 1 when L is the loss)
///
/// With a one-hot y this is exactly SoftmaxCrossEntropy with the class indices as targets:
/// same loss, same dL/dz = p - y. Like it, log p is never formed from a rounded p:
/// log p[r, j] = z[r, j] - m - log sum_k e^(z[r, k] - m) with m the row maximum, so logits of
/// +-1000 stay finite and exact. Each row of y must be a probability distribution: entries
/// finite and >= 0, summing to 1 within 1e-6 (the rounding of a hand-written row such as
/// [1/3, 1/3, 1/3]); the backward uses the exact s_r, so the gradient is exact for the y given.
/// No gradient flows to y: it is data, not a tensor on the tape.

#include <utility>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct SoftTargetCrossEntropy {
    static constexpr const char* name = "SoftTargetCrossEntropy";
    static constexpr const char* forward_formula =
        "L = -(1/B) sum_r sum_j y[r, j] log p[r, j],  p = softmax(z)";
    static constexpr const char* backward_formula =
        "dL/dz = (p sum_j y[r, j] - y) / B  = (p - y) / B when the rows of y sum to 1";
    Array y;  // the target distribution per row, the shape of z
    struct Saved {
        Array exp_shifted;             // e^(z - m), m the row maximum    [B, V]
        std::vector<double> row_sums;  // sum_j e^(z_j - m) per row       [B]
    } saved{};

    void forward(const Inputs<1>& in, Array& loss);
    void backward(const Inputs<1>& in, const Array& loss, const Array& grad_loss,
                  GradTargets<1>& grad);
};

inline Tensor soft_target_cross_entropy(Tape& tape, const Tensor& z, Array y) {
    return tape.apply(SoftTargetCrossEntropy{std::move(y)}, z);
}

}  // namespace tapegrad
