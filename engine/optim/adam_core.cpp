#include "engine/optim/adam_core.hpp"

#include <cmath>
#include <stdexcept>

#include "engine/core/number_string.hpp"
#include "engine/kernels/parallel_for.hpp"

namespace tapegrad {

namespace {

/// Elements per range of the parallel update: a few microseconds of work each.
constexpr std::size_t element_grain = 16384;

void require_finite_non_negative(const char* optimizer, const char* field, double x) {
    if (!std::isfinite(x) || x < 0.0)
        throw std::invalid_argument(std::string(optimizer) + ": " + field +
                                    " must be finite and >= 0, got " + number_string(x));
}

void require_beta(const char* optimizer, const char* field, double x) {
    if (!(x >= 0.0 && x < 1.0))  // also rejects NaN
        throw std::invalid_argument(std::string(optimizer) + ": " + field +
                                    " must be in [0, 1), got " + number_string(x));
}

}  // namespace

AdamCore::AdamCore(const char* optimizer, NamedTensors parameters, const AdamHyperparameters& h)
    : optimizer_(optimizer), parameters_(std::move(parameters)), h_(h) {
    const std::string who = optimizer_;
    require_finite_non_negative(optimizer_, "lr", h.lr);
    require_beta(optimizer_, "beta1", h.beta1);
    require_beta(optimizer_, "beta2", h.beta2);
    require_finite_non_negative(optimizer_, "eps", h.eps);
    require_finite_non_negative(optimizer_, "weight_decay", h.weight_decay);
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        const NamedTensor& p = parameters_[i];
        const std::string label = "parameter " + std::to_string(i) + " '" + p.name + "'";
        if (p.name.empty())
            throw std::invalid_argument(who + ": parameter " + std::to_string(i) +
                                        " has an empty name (the state is saved by name)");
        if (!p.tensor.defined())
            throw std::invalid_argument(who + ": " + label + " is an empty tensor handle");
        if (!p.tensor.requires_grad())
            throw std::invalid_argument(who + ": " + label + " does not require a gradient");
        for (std::size_t j = 0; j < i; ++j) {
            const NamedTensor& q = parameters_[j];
            if (q.name == p.name)
                throw std::invalid_argument(who + ": parameter name '" + p.name +
                                            "' appears twice (parameters " + std::to_string(j) +
                                            " and " + std::to_string(i) + ")");
            if (q.tensor.same_as(p.tensor))
                throw std::invalid_argument(who + ": parameters " + std::to_string(j) + " '" +
                                            q.name + "' and " + label +
                                            " are the same tensor (it would be updated twice)");
        }
    }
    for (const NamedTensor& p : parameters_) {
        const bool decays = !h_.decay_only_matrices || p.tensor.value().dimension() >= 2;
        decay_.push_back(decays ? h_.weight_decay : 0.0);
        const Array zeros(p.tensor.shape(), 0.0);  // [shape of the parameter]
        exp_avg_.emplace_back(zeros, false, "exp_avg." + p.name);
        exp_avg_sq_.emplace_back(zeros, false, "exp_avg_sq." + p.name);
    }
}

void AdamCore::check_sizes(std::size_t i) {
    const Tensor& p = parameters_[i].tensor;
    const std::size_t n = p.value().size();
    if (p.grad().size() != n || exp_avg_[i].value().size() != n ||
        exp_avg_sq_[i].value().size() != n)
        throw std::logic_error(std::string(optimizer_) + ": parameter '" + parameters_[i].name +
                               "' has value " + shape_string(p.value()) + ", gradient " +
                               shape_string(p.grad()) + ", exp_avg " +
                               shape_string(exp_avg_[i].value()) + ", exp_avg_sq " +
                               shape_string(exp_avg_sq_[i].value()) + ": sizes differ");
}

void AdamCore::set_lr(double lr) {
    require_finite_non_negative(optimizer_, "lr", lr);
    h_.lr = lr;
}

void AdamCore::set_step_count(long step) {
    if (step < 0)
        throw std::invalid_argument(std::string(optimizer_) + ": step count must be >= 0, got " +
                                    std::to_string(step));
    step_ = step;
}

void AdamCore::zero_grad() {
    for (NamedTensor& p : parameters_) p.tensor.zero_grad();
}

NamedTensors AdamCore::state() const {
    NamedTensors s;
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        s.push_back({exp_avg_[i].name(), exp_avg_[i]});
        s.push_back({exp_avg_sq_[i].name(), exp_avg_sq_[i]});
    }
    return s;
}

std::map<std::string, std::string> AdamCore::hyperparameters() const {
    return {{"optimizer", optimizer_},
            {"lr", number_string(h_.lr)},
            {"beta1", number_string(h_.beta1)},
            {"beta2", number_string(h_.beta2)},
            {"eps", number_string(h_.eps)},
            {"weight_decay", number_string(h_.weight_decay)},
            {"decay_only_matrices", h_.decay_only_matrices ? "true" : "false"}};
}

// torch 1.13, torch/optim/adam.py (_single_tensor_adam) and adamw.py (_single_tensor_adamw),
// line by line. The scalars are computed as Python computes them (double); each tensor
// operation rounds once per element:
//     Adam:  if weight_decay != 0: grad = grad.add(param, alpha=weight_decay)   g + (wd * p)
//     AdamW: param.mul_(1 - lr * weight_decay)                                  p * decay
//     exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)       (m * beta1) + ((1 - beta1) * g)
//     exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
//                                                          (v * beta2) + (((1 - beta2) * g) * g)
//     denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
//     param.addcdiv_(exp_avg, denom, value=-step_size)     p + ((-step_size * m) / denom)
// For Adam the loop multiplies p by decay = 1, which is exact: the same doubles as leaving it
// out. This file is compiled with -ffp-contract=off: a fused multiply-add would round
// differently.
void AdamCore::step(WeightDecay decay_kind) {
    const double t = static_cast<double>(advance_step());
    const AdamHyperparameters& h = h_;
    const double bias_correction1 = 1.0 - std::pow(h.beta1, t);  // Python: 1 - beta1 ** step
    const double bias_correction2 = 1.0 - std::pow(h.beta2, t);
    const double step_size = h.lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);
    const double minus_step_size = -step_size;
    const double one_minus_beta1 = 1.0 - h.beta1;
    const double one_minus_beta2 = 1.0 - h.beta2;
    // Locals, and pointers that alias nothing: so the compiler keeps the scalars in registers
    // and runs the loop in SIMD lanes (each lane the same IEEE operations, the same doubles).
    const double beta1 = h.beta1, beta2 = h.beta2, eps = h.eps;
    for (std::size_t i = 0; i < size(); ++i) {
        Tensor p = parameters_[i].tensor;
        if (!p.has_grad()) continue;  // torch: a parameter whose .grad is None is skipped
        check_sizes(i);
        const bool l2 = decay_kind == WeightDecay::l2;
        const double wd = l2 ? weight_decay_of(i) : 0.0;                  // g <- g + wd p
        const double decay = l2 ? 1.0 : 1.0 - h.lr * weight_decay_of(i);  // p <- p decay
        double* const P_all = p.value().data();
        const double* const G_all = p.grad().data();
        double* const M_all = exp_avg(i).data();
        double* const V_all = exp_avg_sq(i).data();
        // Elements are independent: a range of them per thread (each computed as on one).
        parallel_for(p.value().size(), element_grain, [=](std::size_t first, std::size_t last) {
            double* __restrict P = P_all + first;
            const double* __restrict G = G_all + first;
            double* __restrict M = M_all + first;
            double* __restrict V = V_all + first;
            const std::size_t n = last - first;
            for (std::size_t j = 0; j < n; ++j) {
                // torch skips the addition when weight_decay == 0 (g + 0 * p is not g for
                // p = inf, and turns -0 into +0).
                const double g = wd != 0.0 ? G[j] + wd * P[j] : G[j];
                const double p_decayed = P[j] * decay;
                const double m = M[j] * beta1 + one_minus_beta1 * g;
                const double v = V[j] * beta2 + one_minus_beta2 * g * g;
                const double denom = std::sqrt(v) / bias_correction2_sqrt + eps;
                M[j] = m;
                V[j] = v;
                P[j] = p_decayed + minus_step_size * m / denom;
            }
        });
    }
}

}  // namespace tapegrad
