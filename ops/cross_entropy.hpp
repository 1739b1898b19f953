#pragma once
/// CrossEntropy on probabilities: the loss of the slide, L = -log p_target, mean over rows.
///
///   forward:   L = -(1/B) sum_r log p[r, t_r]
///              p [..., V] (any rank >= 1: every leading index is one row, a position),
///              targets: one per row (the leading shape, flattened), L scalar.
///              Rows whose target is ignore_index (default -100, torch's) count for nothing:
///              the sum runs over the other rows and B is their number.
///   backward:  dL/dp[r, i] = -1 / (B p[r, t_r])  if i = t_r,  0 otherwise (and in ignored rows)
///              (times the incoming dL/dL, which is 1 when L is the loss)
///
/// With every row ignored, B = 0 and L = 0/0 = NaN, as torch's nll_loss gives; the gradient is
/// 0 everywhere (no row contributes), also as torch.
///
/// Placed after a Softmax node this is the card's three-node graph Linear -> Softmax ->
/// CrossEntropy; the softmax backward turns -1/p_t into p - y. It needs probabilities that are
/// not 0: a target with p = 0 gives L = inf. For training prefer SoftmaxCrossEntropy, which
/// takes logits and stays finite and exact for any logits.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"
#include "ops/class_targets.hpp"

namespace tapegrad {

struct CrossEntropy {
    static constexpr const char* name = "CrossEntropy";
    static constexpr const char* forward_formula = "L = -(1/B) sum_r log p[r, t_r]";
    static constexpr const char* backward_formula =
        "dL/dp[r, i] = -1 / (B p[r, t_r]) if i = t_r, else 0";
    std::vector<std::int64_t> targets;                 // one class index per row, 0-based
    std::int64_t ignore_index = default_ignore_index;  // a target that marks a row to skip

    void forward(const Inputs<1>& in, Array& loss);
    void backward(const Inputs<1>& in, const Array& loss, const Array& grad_loss,
                  GradTargets<1>& grad);
};

inline Tensor cross_entropy(Tape& tape, const Tensor& p, ClassTargets targets,
                            std::int64_t ignore_index = default_ignore_index) {
    return tape.apply(CrossEntropy{std::move(targets.values), ignore_index}, p);
}

/// Throws std::invalid_argument (naming `op`) unless `scores` is a non-empty [..., V] array
/// with one target per row, each in [0, V) or equal to ignore_index. Returns the number of
/// rows that are not ignored. Shared by the cross-entropy ops.
std::size_t check_class_targets(const char* op, const Array& scores,
                                const std::vector<std::int64_t>& targets,
                                std::int64_t ignore_index);

}  // namespace tapegrad
