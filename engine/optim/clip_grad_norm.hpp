#pragma once
/// clip_grad_norm: scales all gradients together so that their total 2-norm is at most
/// max_norm, as torch.nn.utils.clip_grad_norm_ (PyTorch 1.13, norm_type = 2).
///
///     total = || (||g_1||, ||g_2||, ...) ||       the 2-norm of all gradients as one vector,
///                                                 computed as torch does: the norm of the
///                                                 per-parameter norms
///     c     = min(max_norm / (total + 1e-6), 1)      (as torch rounds it: (1 / (total + 1e-6))
///                                                 * max_norm, see clip_grad_norm.cpp)
///     g_i  <- c g_i                               for every parameter with a gradient
///     returns total (before clipping)
///
/// The 1e-6 keeps c finite for zero gradients; it also means a gradient with total just
/// above max_norm is scaled to slightly less than max_norm (torch's formula, kept). Parameters
/// without a gradient (has_grad() false; torch: .grad is None) are ignored; with none at all
/// the result is 0. Each per-parameter sum of squares is a plain sequential sum: torch's order
/// with one thread and its portable kernels (identical bits, tests/torch); its AVX2 kernel fuses
/// the multiply-add and several threads split the sum, so there the last bit may differ. No
/// squares are rescaled, so gradients beyond ~1e154 overflow the sum to inf, as in torch.
///
/// A non-finite total (a NaN or an infinity in some gradient, or an overflow):
///   error_if_nonfinite = true:  throws NonFiniteError naming the first parameter whose
///                               gradient norm is not finite; no gradient is changed.
///   error_if_nonfinite = false (torch 1.13's default): done as torch does it, and the
///                               caller should check the returned total and skip the step:
///                               total NaN -> c = NaN, every gradient becomes NaN;
///                               total inf -> c = 0, finite entries become 0 and infinite
///                               ones NaN (inf * 0).
/// Throws std::invalid_argument when max_norm is negative or NaN (torch accepts a negative
/// max_norm and flips the gradients); max_norm = inf only measures.

#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/tensor.hpp"

namespace tapegrad {

double clip_grad_norm(const std::vector<Tensor>& parameters, double max_norm,
                      bool error_if_nonfinite = false);
double clip_grad_norm(const NamedTensors& parameters, double max_norm,
                      bool error_if_nonfinite = false);

}  // namespace tapegrad
