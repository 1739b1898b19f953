#pragma once
/// fused_sgd_step: an SGD step fused into the backward pass, for speed at size. Opt-in: the
/// plain way, tape.backward(loss); sgd.step(); sgd.zero_grad(); gives the same numbers.
///
///     fused_sgd_step(tape, loss, sgd);
///
/// Each parameter p whose gradient can go straight into its value is updated by the op that
/// computes the gradient, p <- p - lr * dL/dp, inside the pass (Tape::backward_updating):
/// for W of a Linear layer the dW GEMM itself computes W <- W - lr (dL/dz)^T x (alpha = -lr,
/// beta = 1), so there is no dW buffer and no second pass over W (a V x d matrix, 125 MiB at
/// V = 32000, d = 512). Every other parameter gets its gradient as usual and step() applies it,
/// within the same call. Afterwards no parameter holds a gradient.
///
/// The safety rule, in one place. p is updated inside the pass only when all of these hold:
///   - p is a leaf (no recorded node produced it) with no gradient pending (!has_grad());
///   - p is read by exactly one node up to the loss, in one input slot, so no node still to be
///     processed in this pass reads p's value after it changes;
///   - that node's op declares in_place_update_safe(slot): its backward reads that input for
///     the last time before it writes the input's gradient (Linear: dL/dx = dL/dz W is
///     computed before W changes);
///   - p is listed once among the optimizer's parameters.
/// The numbers equal the plain path's up to rounding: BLAS may round W + (-lr * g) once (FMA)
/// where step() rounds twice.

#include <cstddef>

#include "engine/core/tape.hpp"
#include "engine/core/tensor.hpp"
#include "engine/optim/sgd.hpp"

namespace tapegrad {

/// Returns how many parameters were updated inside the pass (the others took the plain path,
/// or no gradient reached them).
std::size_t fused_sgd_step(Tape& tape, const Tensor& loss, SGD& sgd);

}  // namespace tapegrad
