/// RMSNorm over the last axis: y, dL/dx, dL/dgamma for L = sum(w y). torch 1.13 has no
/// RMSNorm: kinds_rms_norm.py recomputes them from LLaMA's expression,
/// x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * gamma, with autograd.

#include <string>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/rms_norm.hpp"
#include "tests/torch/torch_case.hpp"
#include "tests/torch/weighted_sum.hpp"

namespace tapegrad::torch_cases {

namespace {

void rms_norm_case(Cases& cases, const std::string& name, const Shape& shape, double eps,
                   Random& rng) {
    const std::size_t C = shape.back();
    Tensor x(normal(shape, 1.5, rng), true, "x");        // [..., C]
    Tensor gamma(normal({C}, 1.0, rng), true, "gamma");  // [C]
    const Array w = normal(shape, 1.0, rng);             // [..., C] dL/dy
    Tape tape;
    const Tensor y = rms_norm(tape, x, gamma, eps);
    tape.backward(weighted_sum(tape, y, w));
    cases.add(name, "rms_norm",
              {{"x", array_json(x.value())},
               {"gamma", array_json(gamma.value())},
               {"eps", number_json(eps)},
               {"w", array_json(w)}},
              {{"y", array_json(y.value())},
               {"grad_x", array_json(x.grad())},
               {"grad_gamma", array_json(gamma.grad())}});
}

void rms_norm_cases(Cases& cases) {
    Random rng(701);
    rms_norm_case(cases, "rms_norm/rank2", {4, 6}, 1e-6, rng);
    rms_norm_case(cases, "rms_norm/rank3", {2, 3, 8}, 1e-6, rng);
    rms_norm_case(cases, "rms_norm/rank1_eps_1e-2", {5}, 1e-2, rng);
}

const bool registered_rms_norm = register_cases("rms_norm", rms_norm_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
