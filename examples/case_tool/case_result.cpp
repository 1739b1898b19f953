#include "examples/case_tool/case_result.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "engine/core/tape.hpp"
#include "engine/inspect/finite_check.hpp"
#include "engine/optim/sgd.hpp"

#include "ops/linear.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"

namespace tapegrad {

namespace {

// z = x W^T + b by plain loops: [B, V].
Array logits_by_loops(const Case& c, const Array& W, const Array* b) {
    const std::size_t B = c.B(), V = c.V(), d = c.d();
    Array z = xt::zeros<double>({B, V});  // [B, V]
    for (std::size_t r = 0; r < B; ++r)
        for (std::size_t i = 0; i < V; ++i) {
            double sum = b ? (*b)(i) : 0.0;
            for (std::size_t j = 0; j < d; ++j) sum += c.x(r, j) * W(i, j);
            z(r, i) = sum;
        }
    return z;
}

// log sum_i e^z[r][i] of row r, as m + log sum_i e^(z[r][i] - m) with m the row maximum, so
// that no exponent is positive (no overflow) and the largest term is 1 (no total underflow).
double row_log_sum_exp(const Array& z, std::size_t r) {
    const std::size_t V = z.shape()[1];
    double m = z(r, 0);
    for (std::size_t i = 1; i < V; ++i) m = std::max(m, z(r, i));
    double sum = 0.0;
    for (std::size_t i = 0; i < V; ++i) sum += std::exp(z(r, i) - m);
    return m + std::log(sum);
}

// Softmax of each row by plain loops: p = e^(z - log sum e^z).
Array softmax_by_loops(const Array& z) {
    const std::size_t B = z.shape()[0], V = z.shape()[1];
    Array p = xt::zeros<double>({B, V});  // [B, V]
    for (std::size_t r = 0; r < B; ++r) {
        const double lse = row_log_sum_exp(z, r);
        for (std::size_t i = 0; i < V; ++i) p(r, i) = std::exp(z(r, i) - lse);
    }
    return p;
}

bool all_finite(const Array& a) {
    return std::all_of(a.begin(), a.end(), [](double v) { return std::isfinite(v); });
}

// The mean over rows of each row's target probability.
double mean_target_probability(const Array& p, const std::vector<std::size_t>& targets) {
    double sum = 0.0;
    for (std::size_t r = 0; r < targets.size(); ++r) sum += p(r, targets[r]);
    return sum / static_cast<double>(targets.size());
}

// Autodiff: one forward and backward pass through a tape. Fills the autodiff gradients,
// probs and loss.
void autodiff(const Case& c, CaseResult& out, bool check_finite) {
    Tape tape;
    FiniteCheck finite_check;  // --check-finite: stop at the first NaN or infinity
    if (check_finite) tape.add_hooks(finite_check);
    Tensor x(c.x, true, "x");  // requires_grad: we want dL/dx as well
    Tensor W = Tensor::parameter(c.W, "W");
    Tensor b = c.has_bias ? Tensor::parameter(c.b, "b") : Tensor();
    Tensor z = c.has_bias ? linear(tape, x, W, b) : linear(tape, x, W);
    if (!all_finite(z.value())) {
        throw CaseError(std::string(c.has_bias ? "W, b, x" : "W, x") + ": z = x W^T" +
                        (c.has_bias ? " + b" : "") + " overflows a double; scale the numbers down");
    }
    Tensor loss = softmax_cross_entropy(tape, z, c.targets);
    z.retain_grad();  // an op's output: keep dL/dz after backward, to show it
    tape.backward(loss);
    out.loss = loss.value()();
    out.logits = z.value();                          // [B, V]
    out.probs = softmax(z.value());                  // [B, V]
    out.grad_W.autodiff = W.grad();                  // [V, d]
    if (c.has_bias) out.grad_b.autodiff = b.grad();  // [V]
    out.grad_x.autodiff = x.grad();                  // [B, d]
    out.grad_logits.autodiff = z.grad();             // [B, V]
}

// The closed forms, by plain loops from the case's numbers alone.
void closed_form(const Case& c, CaseResult& out) {
    const std::size_t B = c.B(), V = c.V(), d = c.d();
    const Array z = logits_by_loops(c, c.W, c.has_bias ? &c.b : nullptr);  // [B, V]
    const Array P = softmax_by_loops(z);                                   // [B, V]
    Array G = P;                                                           // (P - Y) / B   [B, V]
    for (std::size_t r = 0; r < B; ++r) {
        G(r, c.targets[r]) -= 1.0;
        for (std::size_t i = 0; i < V; ++i) G(r, i) /= static_cast<double>(B);
    }
    Array grad_W = xt::zeros<double>({V, d});  // G^T X   [V, d]
    Array grad_b = xt::zeros<double>({V});     // column sums of G   [V]
    Array grad_x = xt::zeros<double>({B, d});  // G W   [B, d]
    for (std::size_t r = 0; r < B; ++r)
        for (std::size_t i = 0; i < V; ++i) {
            grad_b(i) += G(r, i);
            for (std::size_t j = 0; j < d; ++j) {
                grad_W(i, j) += G(r, i) * c.x(r, j);
                grad_x(r, j) += G(r, i) * c.W(i, j);
            }
        }
    out.grad_logits.closed_form = G;
    out.grad_W.closed_form = grad_W;
    if (c.has_bias) out.grad_b.closed_form = grad_b;
    out.grad_x.closed_form = grad_x;
}

// Central finite differences on every element of W (see the header for the step).
Array finite_differences(const Case& c) {
    const std::size_t V = c.V(), d = c.d();
    const double scale = finite_difference_step_scale();
    Array W = c.W;                           // perturbed in place, one element at a time   [V, d]
    Array grad = xt::zeros<double>({V, d});  // [V, d]
    for (std::size_t i = 0; i < V; ++i)
        for (std::size_t j = 0; j < d; ++j) {
            const double w = c.W(i, j);
            const double h = scale * std::max(1.0, std::abs(w));
            const double w_plus = w + h, w_minus = w - h;
            W(i, j) = w_plus;
            const double loss_plus = case_loss(c, W);
            W(i, j) = w_minus;
            const double loss_minus = case_loss(c, W);
            W(i, j) = w;
            grad(i, j) = (loss_plus - loss_minus) / (w_plus - w_minus);
        }
    return grad;
}

// SGD through the tape, as in the walkthrough: forward, record, backward, update.
void sgd(const Case& c, CaseResult& out, bool check_finite) {
    Tensor x(c.x, false, "x");
    Tensor W = Tensor::parameter(c.W, "W");
    Tensor b = c.has_bias ? Tensor::parameter(c.b, "b") : Tensor();
    SGD optimizer(c.has_bias ? std::vector<Tensor>{W, b} : std::vector<Tensor>{W}, c.lr);
    Tape tape;
    FiniteCheck finite_check;  // --check-finite: stop at the first NaN or infinity
    if (check_finite) tape.add_hooks(finite_check);
    for (int step = 0;; ++step) {
        tape.rewind();
        Tensor z = c.has_bias ? linear(tape, x, W, b) : linear(tape, x, W);
        Tensor loss = softmax_cross_entropy(tape, z, c.targets);
        const Array p = softmax(z.value());  // [B, V]
        const double l = loss.value()();
        if (!std::isfinite(l) || !all_finite(p)) {
            throw CaseError("lr: SGD diverged at step " + std::to_string(step) +
                            " (the loss is no longer a finite number); try a smaller lr");
        }
        out.sgd.push_back({step, l, mean_target_probability(p, c.targets)});
        if (step == c.steps) {
            out.probs_after_sgd = p;
            break;
        }
        optimizer.zero_grad();
        tape.backward(loss);
        optimizer.step();
    }
}

}  // namespace

double finite_difference_step_scale() {
    return std::cbrt(std::numeric_limits<double>::epsilon());
}

double case_loss(const Case& c, const Array& W) {
    const Array z = logits_by_loops(c, W, c.has_bias ? &c.b : nullptr);  // [B, V]
    double sum = 0.0;
    for (std::size_t r = 0; r < c.B(); ++r)
        sum += row_log_sum_exp(z, r) - z(r, c.targets[r]);  // -log p[r, t_r]
    return sum / static_cast<double>(c.B());
}

CaseResult run_case(const Case& c, bool check_finite) {
    CaseResult out;
    autodiff(c, out, check_finite);
    closed_form(c, out);
    out.grad_W.finite_difference = finite_differences(c);
    out.prediction.resize(c.B());
    for (std::size_t r = 0; r < c.B(); ++r) {
        const double* row = out.probs.data() + r * c.V();
        out.prediction[r] = static_cast<std::size_t>(std::max_element(row, row + c.V()) - row);
    }

    std::vector<const GradComparison*> grads = {&out.grad_W, &out.grad_x, &out.grad_logits};
    if (c.has_bias) grads.push_back(&out.grad_b);
    for (const GradComparison* g : grads) {
        if (!all_finite(g->autodiff) || !all_finite(g->closed_form))
            throw CaseError("W, x: a gradient is not a finite number; scale the numbers down");
        out.max_abs_diff_autodiff_vs_closed_form = max_or_nan(
            out.max_abs_diff_autodiff_vs_closed_form, max_abs_diff(g->autodiff, g->closed_form));
    }
    if (!all_finite(out.grad_W.finite_difference))
        throw CaseError("W, x: a finite difference is not a finite number; scale the numbers down");
    out.max_abs_diff_autodiff_vs_finite_difference =
        max_abs_diff(out.grad_W.autodiff, out.grad_W.finite_difference);
    if (!std::isfinite(out.loss)) throw CaseError("W, x: the loss is not a finite number");
    sgd(c, out, check_finite);
    return out;
}

}  // namespace tapegrad
