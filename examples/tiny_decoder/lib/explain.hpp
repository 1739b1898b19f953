#pragma once
/// explain: the notebook's Teil 1 and Teil 2 on the tiny decoder's true numbers.
///
/// Teil 1 (prediction): the prompt's pieces through the whole model (one forward pass on a
///   tape); h = the hidden vector at the last position after ln_f [C];
///   z = W_out h + b_out [V] (the logits over the whole vocabulary), e^z, Σe^z over all V,
///   p = e^z / Σe^z, argmax p -> id -> piece -> text.
/// Teil 2 (training signal): y = one-hot of the target, L = -log p(target),
///   dL/dz = p - y; dL/dW_out and dL/db_out from a backward pass through the whole tape (the
///   loss on the last position only: every other position's target is ignore_index), beside
///   the closed forms (p - y) h^T and p - y, with the largest |difference|; then a few SGD
///   steps on W_out alone (h and b_out fixed), W_out <- W_out - lr (p - y) h^T, each through a
///   tape, showing p(target) rise and L fall.
/// Attention: each block's attention probabilities [1, H, T, T] (DecoderBlock's out-parameter,
///   the CausalSoftmax node's output); their last row is the last position's weights over the
///   prompt.

#include <cstddef>
#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/model.hpp"

namespace tapegrad {

struct SgdPoint {
    std::size_t step;  // 0: before any update
    double loss;
    double p_target;
};

struct ExplainResult {
    std::vector<int> ids;             // the prompt's pieces, at most T_max (the last ones)
    std::vector<double> h;            // [C]
    std::vector<double> z, exp_z, p;  // [V]
    double sum_exp_z = 0;             // Σ e^z over the whole vocabulary
    int argmax = -1;
    int target = -1;
    double loss = 0;                              // -log p(target), from the tape
    std::vector<double> grad_z;                   // p - y [V]
    std::vector<std::vector<double>> grad_W_out;  // dL/dW_out from the tape [V][C]
    double max_diff_W_out = 0;                    // max |tape - (p - y) h^T|
    double max_diff_b_out = 0;                    // max |tape - (p - y)|
    double max_diff_grad_z = 0;                   // max |dL/dz from the tape - (p - y)|
    double sgd_lr = 0;
    std::vector<SgdPoint> sgd;
    std::vector<std::vector<std::vector<double>>> attention;  // [L][H][T]
};

/// The target that explain() takes to mean the model's own prediction, argmax p.
inline constexpr int predicted_target = -1;

/// ids: 1..T_max piece ids; target in [0, V), or predicted_target. Throws
/// std::invalid_argument otherwise. One forward and one backward pass: explain owns the
/// gradients it reads, so it sets every parameter's gradient to zero first (zero_grad) and
/// leaves the parameters holding this pass's gradients.
ExplainResult explain(const TinyDecoder& model, const std::vector<int>& ids, int target,
                      double sgd_lr, std::size_t sgd_steps);

}  // namespace tapegrad
