#include "engine/optim/adam.hpp"

#include <cmath>

namespace tapegrad {

namespace {

AdamHyperparameters hyper(const AdamOptions& o) {
    return {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.decay_only_matrices};
}

}  // namespace

Adam::Adam(NamedTensors parameters, const AdamOptions& options)
    : core_("Adam", std::move(parameters), hyper(options)) {}

// torch 1.13, torch/optim/adam.py, _single_tensor_adam, line by line (scalars in double as
// Python computes them, one rounding per tensor operation and element):
//     if weight_decay != 0: grad = grad.add(param, alpha=weight_decay)   g + (wd * p)
//     exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)       (m * beta1) + ((1 - beta1) * g)
//     exp_avg_sq.mul_(beta2).addcmul_(grad, grad.conj(), value=1 - beta2)
//                                                          (v * beta2) + (((1 - beta2) * g) * g)
//     denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
//     param.addcdiv_(exp_avg, denom, value=-step_size)     p + ((-step_size * m) / denom)
// Compiled with -ffp-contract=off (no fused multiply-add).
void Adam::step() {
    const double t = static_cast<double>(core_.advance_step());
    const AdamHyperparameters& h = core_.hyper();
    const double bias_correction1 = 1.0 - std::pow(h.beta1, t);  // Python: 1 - beta1 ** step
    const double bias_correction2 = 1.0 - std::pow(h.beta2, t);
    const double step_size = h.lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);
    const double minus_step_size = -step_size;
    const double one_minus_beta1 = 1.0 - h.beta1;
    const double one_minus_beta2 = 1.0 - h.beta2;
    for (std::size_t i = 0; i < core_.size(); ++i) {
        Tensor p = core_.parameters()[i].tensor;
        if (!p.has_grad()) continue;  // torch: a parameter whose .grad is None is skipped
        core_.check_sizes(i);
        const double wd = core_.weight_decay_of(i);
        // Locals and pointers that alias nothing, as in AdamW::step: the loop runs in SIMD lanes.
        double* __restrict P = p.value().data();
        const double* __restrict G = p.grad().data();
        double* __restrict M = core_.exp_avg(i).data();
        double* __restrict V = core_.exp_avg_sq(i).data();
        const std::size_t n = p.value().size();
        const double beta1 = h.beta1, beta2 = h.beta2, eps = h.eps;
        for (std::size_t j = 0; j < n; ++j) {
            // torch skips the addition when weight_decay == 0 (g + 0 * p is not g for p = inf,
            // and turns -0 into +0).
            const double g = wd != 0.0 ? G[j] + wd * P[j] : G[j];
            const double m = M[j] * beta1 + one_minus_beta1 * g;
            const double v = V[j] * beta2 + one_minus_beta2 * g * g;
            const double denom = std::sqrt(v) / bias_correction2_sqrt + eps;
            M[j] = m;
            V[j] = v;
            P[j] = P[j] + minus_step_size * m / denom;
        }
    }
}

}  // namespace tapegrad
