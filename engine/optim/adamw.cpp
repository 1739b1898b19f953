#include "engine/optim/adamw.hpp"

#include <cmath>

namespace tapegrad {

namespace {

AdamHyperparameters hyper(const AdamWOptions& o) {
    return {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.decay_only_matrices};
}

}  // namespace

AdamW::AdamW(NamedTensors parameters, const AdamWOptions& options)
    : core_("AdamW", std::move(parameters), hyper(options)) {}

// torch 1.13, torch/optim/adamw.py, _single_tensor_adamw, line by line. The scalars are
// computed as Python computes them (double); each tensor operation rounds once per element:
//     param.mul_(1 - lr * weight_decay)                    p * decay
//     exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)       (m * beta1) + ((1 - beta1) * g)
//     exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
//                                                          (v * beta2) + (((1 - beta2) * g) * g)
//     denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
//     param.addcdiv_(exp_avg, denom, value=-step_size)     p + ((-step_size * m) / denom)
// This file is compiled with -ffp-contract=off: a fused multiply-add would round differently.
void AdamW::step() {
    const double t = static_cast<double>(core_.advance_step());
    const AdamHyperparameters& h = core_.hyper();
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
    for (std::size_t i = 0; i < core_.size(); ++i) {
        Tensor p = core_.parameters()[i].tensor;
        if (!p.has_grad()) continue;  // torch: a parameter whose .grad is None is skipped
        core_.check_sizes(i);
        const double decay = 1.0 - h.lr * core_.weight_decay_of(i);
        double* __restrict P = p.value().data();
        const double* __restrict G = p.grad().data();
        double* __restrict M = core_.exp_avg(i).data();
        double* __restrict V = core_.exp_avg_sq(i).data();
        const std::size_t n = p.value().size();
        for (std::size_t j = 0; j < n; ++j) {
            const double g = G[j];
            const double p_decayed = P[j] * decay;
            const double m = M[j] * beta1 + one_minus_beta1 * g;
            const double v = V[j] * beta2 + one_minus_beta2 * g * g;
            const double denom = std::sqrt(v) / bias_correction2_sqrt + eps;
            M[j] = m;
            V[j] = v;
            P[j] = p_decayed + minus_step_size * m / denom;
        }
    }
}

}  // namespace tapegrad
