#pragma once
/// CaseResult: everything decoder_training reports about a case, computed three ways.
///
///   autodiff            a forward and backward pass through the tape:
///                       Linear (z = x W^T + b) -> SoftmaxCrossEntropy (mean over the B rows)
///   closed form         plain loops, no engine code:  P = softmax(z) row by row,
///                       G = dL/dz = (P - Y) / B,  dL/dW = G^T X,  dL/db = column sums of G,
///                       dL/dx = G W
///   finite differences  central, on every element of W, with the loss computed by plain loops:
///                       dL/dW[i][j] ~ (L(W + h e_ij) - L(W - h e_ij)) / (2h)
///
/// The finite-difference step h = cbrt(eps) * max(1, |W[i][j]|) ~ 6.1e-6 * max(1, |w|)
/// balances the two errors of a central difference in double: truncation ~ h^2 |L'''| / 6 and
/// rounding ~ eps |L| / h; their sum is smallest near h = cbrt(3 eps |L| / |L'''|), i.e.
/// cbrt(eps) for a loss and derivatives of order 1, where both are ~ eps^(2/3) ~ 4e-11. Scaling
/// by |w| keeps w +- h distinct from w for large weights. The divisor is (w + h) - (w - h) as
/// the machine stores it, not 2h, so the representation error of w +- h does not count.
///
/// Then SGD through the tape: W <- W - lr dL/dW (and b), `steps` times; entry k of `sgd` is
/// the loss and the mean target probability after k updates.
///
/// Throws CaseError (naming the field to blame) when a number is not finite: z = x W^T + b
/// overflowing, or SGD diverging at a too large lr. A result never carries a NaN or infinity.

#include <cstddef>
#include <vector>

#include "engine/core/array.hpp"
#include "examples/case_tool/case_file.hpp"

namespace tapegrad {

/// One gradient, computed as many ways as apply to it.
struct GradComparison {
    Array autodiff;
    Array closed_form;
    Array finite_difference;  // only for W; empty otherwise
};

/// Loss and mean p(target) after `step` SGD updates.
struct SgdEntry {
    int step;
    double loss;
    double p_target;
};

struct CaseResult {
    Array logits;                                       // [B, V]  z = x W^T + b
    Array probs;                                        // [B, V]  softmax of z
    double loss = 0.0;                                  // mean cross-entropy over the rows
    std::vector<std::size_t> prediction;                // argmax of each row of probs
    GradComparison grad_W;                              // [V, d]  (with finite differences)
    GradComparison grad_b;                              // [V]     empty when the case has no bias
    GradComparison grad_x;                              // [B, d]
    GradComparison grad_logits;                         // [B, V]  dL/dz
    double max_abs_diff_autodiff_vs_closed_form = 0.0;  // over W, b, x and logits
    double max_abs_diff_autodiff_vs_finite_difference = 0.0;  // over W
    std::vector<SgdEntry> sgd;                                // steps + 1 entries
    Array probs_after_sgd;                                    // [B, V]  after the last update
};

/// The multiplier of max(1, |w|) in the finite-difference step: cbrt(machine epsilon).
double finite_difference_step_scale();

/// Computes everything above for a checked case. Throws CaseError on non-finite numbers.
/// check_finite turns on the tapes' anomaly detection: then the first op whose output or
/// gradient is not finite throws NonFiniteError naming that op (see engine/core/tape.hpp).
CaseResult run_case(const Case& c, bool check_finite = false);

/// The mean cross-entropy of the case with its weights replaced by W [V, d] (bias, x and
/// targets as in the case), by plain loops with the row maximum subtracted (log-sum-exp).
/// Used by the finite differences.
double case_loss(const Case& c, const Array& W);

}  // namespace tapegrad
