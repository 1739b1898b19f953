#pragma once
/// gradcheck: is an op's backward right? Compares the gradient a backward pass computes
/// (analytic) with central finite differences (numeric), element by element, in double.
///
///     GradcheckReport r = gradcheck_op(Tanh{}, {x});            // one op, any output shape
///     GradcheckReport r = gradcheck(f, {W, b});                  // any function to a scalar
///     BOOST_TEST(r.passed(), r.summary());
///
/// How it works, for a scalar function L(x_1, ..., x_N) of the input arrays:
///   1. analytic: one forward on a fresh Tape, backward(L), read dL/dx_k from every input;
///   2. numeric:  for every element x of every input, with the others fixed,
///                    dL/dx ~ (L(x + h) - L(x - h)) / ((x + h) - (x - h))
///                with h = step_scale * max(1, |x|), the denominator taken from the two doubles
///                actually stored (x + h is rounded), not from 2h;
///   3. compare:  each element passes when |analytic - numeric| <= atol + rtol * |numeric|;
///                the report names the element that came closest to failing (or failed worst).
///
/// Why h = eps^(1/3) * max(1, |x|): the central difference has a truncation error of about
/// (h^2 / 6) |L'''| and a rounding error of about eps |L| / h (L is computed to within eps |L|,
/// then divided by 2h). Their sum is smallest at h ~ eps^(1/3) ~ 6e-6 for values of order 1,
/// where both are ~1e-11. Scaling h with |x| keeps the step well above the spacing of doubles
/// near x (eps |x|), so x + h differs from x in its leading digits, not only in its last bits.
///
/// The report gives L beside the errors, because the rounding term grows with |L|: a loss of
/// 1e9 (e.g. a -1e9 mask fill that reaches L through the weights) makes central differences
/// wrong by ~1e-1 whatever the backward does. When the worst element's error is within what
/// rounding L explains, a failure says so; a loss that is not finite (inf, NaN) at the given
/// inputs makes the check `inconclusive` with that reason, and a non-finite L(x + h) or
/// L(x - h) is named in the failure.
///
/// A check can be vacuous; then the status is `inconclusive`, not `passed`:
///   - an input whose analytic and numeric gradients are both (near) zero everywhere: a backward
///     that forgot this input entirely would pass;
///   - an input with two or more elements that are all equal, or whose gradient is the same
///     for every element: a backward that mixes up which element gets which gradient (a wrong
///     row, a wrong index) would pass;
///   - a square matrix input whose gradient is symmetric: a backward that returns the
///     transpose would pass;
///   - no element to check at all.
/// A function whose output is not a scalar is first contracted to one,
///     L = sum_i w_i * y_i,   w_i fixed pseudo-random in [0.5, 1.5], all different,
/// so that dL/dy = w reaches the op's backward: with a plain sum (w = 1) an error that adds
/// +e to one output's gradient path and -e to another's would cancel and go unnoticed, and a
/// backward that ignores grad_out (treats it as all ones) would pass.

#include <array>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/array.hpp"
#include "engine/core/tape.hpp"
#include "engine/core/tensor.hpp"

namespace tapegrad {

/// Tolerances and step of a check. The defaults suit functions of values of order 1.
struct GradcheckOptions {
    /// h = step_scale * max(1, |x|); eps^(1/3) balances truncation and rounding (see above).
    double step_scale = 6.0554544523933395e-06;  // cbrt(2^-52)
    /// Per element: |analytic - numeric| <= atol + rtol * |numeric|. With the step above the
    /// numeric error is ~1e-11 for values, gradients and third derivatives of order 1, so these
    /// leave a margin of 100-1000x for functions with larger curvature, while a wrong formula
    /// is off by a fraction of the gradient itself (1e-3 to 1): far outside.
    double rtol = 1e-6;
    double atol = 1e-8;
    /// Seed of the output weighting w (fixed: the same check gives the same numbers each run).
    unsigned long long seed = 20260526;
};

enum class GradcheckStatus { passed, failed, inconclusive };

/// "passed", "failed", "inconclusive".
const char* to_string(GradcheckStatus status);
std::ostream& operator<<(std::ostream& out, GradcheckStatus status);

/// What a check found. The worst element is the one with the largest
/// |analytic - numeric| / (atol + rtol * |numeric|): above 1 means it failed.
struct GradcheckReport {
    GradcheckStatus status = GradcheckStatus::inconclusive;
    std::string reason;              // why it failed or is inconclusive; empty when it passed
    std::size_t input = 0;           // worst element: which input ...
    std::size_t flat_index = 0;      // ... at which row-major position ...
    std::vector<std::size_t> index;  // ... i.e. at this multi-index
    double analytic = 0.0;           // dL/dx there from backward
    double numeric = 0.0;            // ... and from central differences
    double abs_error = 0.0;          // |analytic - numeric|
    double rel_error = 0.0;          // abs_error / max(|analytic|, |numeric|), 0 when both are 0
    double step = 0.0;               // the h used there
    double loss_plus = 0.0;          // L(x + h) and L(x - h) there
    double loss_minus = 0.0;
    double rounding = 0.0;  // eps max(|L(x + h)|, |L(x - h)|) / h: the part of the
                            // numeric error that rounding L alone can explain there
    std::size_t elements_checked = 0;
    double loss = 0.0;             // L at the unperturbed inputs (after the weighting, if any)
    bool output_weighted = false;  // the function's output was contracted with w

    bool passed() const { return status == GradcheckStatus::passed; }
    /// One line with the status, the loss, the worst element and its numbers, and the reason.
    std::string summary() const;
};

/// A function of tensors computed on the given tape. It may return any shape; a non-scalar
/// output is contracted with the weights w (see the header comment).
using TapeFunction = std::function<Tensor(Tape&, const std::vector<Tensor>&)>;

/// Checks f at the given input values: every element of every input is perturbed.
/// Throws std::invalid_argument when `inputs` is empty or f returns an empty tensor; whatever
/// f or a backward throws (e.g. a gradient of the wrong shape) propagates unchanged.
GradcheckReport gradcheck(const TapeFunction& f, const std::vector<Array>& inputs,
                          const GradcheckOptions& options = {});

/// Checks one op with N inputs: y = op(x_1, ..., x_N), L = sum_i w_i y_i.
/// The op is copied for every evaluation, so its configuration (e.g. target ids) is kept.
template <class Op, std::size_t... I>
TapeFunction op_as_function(const Op& op, std::index_sequence<I...>) {
    return [op](Tape& tape, const std::vector<Tensor>& x) { return tape.apply(op, x[I]...); };
}
template <std::size_t N, class Op>
GradcheckReport gradcheck_op(const Op& op, const std::array<Array, N>& inputs,
                             const GradcheckOptions& options = {}) {
    return gradcheck(op_as_function(op, std::make_index_sequence<N>{}),
                     std::vector<Array>(inputs.begin(), inputs.end()), options);
}
/// The same with the inputs listed: gradcheck_op(Mul{}, a, b).
template <class Op, class... As>
GradcheckReport gradcheck_op(const Op& op, const Array& first, const As&... rest) {
    return gradcheck_op<1 + sizeof...(As)>(op,
                                           std::array<Array, 1 + sizeof...(As)>{first, rest...});
}

}  // namespace tapegrad
