#pragma once
/// CrossEntropy on probabilities: the loss of the slide, L = -log p_target, mean over rows.
///
///   forward:   L = -(1/B) sum_r log p[r, t_r]       p [B, V] (or [V], B = 1),  L scalar
///   backward:  dL/dp[r, i] = -1 / (B p[r, t_r])  if i = t_r,  0 otherwise
///              (times the incoming dL/dL, which is 1 when L is the loss)
///
/// Placed after a Softmax node this is the card's three-node graph Linear -> Softmax ->
/// CrossEntropy; the softmax backward turns -1/p_t into p - y. It needs probabilities that are
/// not 0: a target with p = 0 gives L = inf. For training prefer SoftmaxCrossEntropy, which
/// takes logits and stays finite and exact for any logits.

#include <cstddef>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct CrossEntropy {
    static constexpr const char* name = "CrossEntropy";
    static constexpr const char* forward_formula = "L = -(1/B) sum_r log p[r, t_r]";
    static constexpr const char* backward_formula =
        "dL/dp[r, i] = -1 / (B p[r, t_r]) if i = t_r, else 0";
    std::vector<std::size_t> targets;  // one class index per row, 0-based

    void forward(const Inputs<1>& in, Array& loss);
    void backward(const Inputs<1>& in, const Array& loss, const Array& grad_loss,
                  GradTargets<1>& grad);
};

inline Tensor cross_entropy(Tape& tape, const Tensor& p, std::vector<std::size_t> targets) {
    return tape.apply(CrossEntropy{std::move(targets)}, p);
}

/// Throws std::invalid_argument (naming `op`) unless `scores` is a non-empty [V] or [B, V]
/// array with one target in [0, V) per row. Shared by the cross-entropy ops.
void check_class_targets(const char* op, const Array& scores,
                         const std::vector<std::size_t>& targets);

}  // namespace tapegrad
