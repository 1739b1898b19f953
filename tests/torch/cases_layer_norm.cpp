/// LayerNorm over the last axis: y, dL/dx, dL/dgamma, dL/dbeta for L = sum(w y).
/// kinds_layer_norm.py recomputes them with torch.nn.functional.layer_norm.

#include <string>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/layer_norm.hpp"
#include "tests/torch/torch_case.hpp"
#include "tests/torch/weighted_sum.hpp"

namespace tapegrad::torch_cases {

namespace {

void layer_norm_case(Cases& cases, const std::string& name, const Shape& shape, double mean,
                     double eps, Random& rng) {
    const std::size_t C = shape.back();
    Array x0 = normal(shape, 1.5, rng);  // [..., C]
    x0 += mean;
    Tensor x(x0, true, "x");
    Tensor gamma(normal({C}, 1.0, rng), true, "gamma");  // [C]
    Tensor beta(normal({C}, 1.0, rng), true, "beta");    // [C]
    const Array w = normal(shape, 1.0, rng);             // [..., C] dL/dy
    Tape tape;
    const Tensor y = layer_norm(tape, x, gamma, beta, eps);
    tape.backward(weighted_sum(tape, y, w));
    cases.add(name, "layer_norm",
              {{"x", array_json(x.value())},
               {"gamma", array_json(gamma.value())},
               {"beta", array_json(beta.value())},
               {"eps", number_json(eps)},
               {"w", array_json(w)}},
              {{"y", array_json(y.value())},
               {"grad_x", array_json(x.grad())},
               {"grad_gamma", array_json(gamma.grad())},
               {"grad_beta", array_json(beta.grad())}});
}

void layer_norm_cases(Cases& cases) {
    Random rng(601);
    layer_norm_case(cases, "layer_norm/rank2", {4, 6}, 0.0, 1e-5, rng);
    layer_norm_case(cases, "layer_norm/rank3", {2, 3, 8}, 0.0, 1e-5, rng);
    layer_norm_case(cases, "layer_norm/rank1_eps_1e-3", {5}, 0.0, 1e-3, rng);
    // Rows far from 0: the two-pass variance keeps the deviations exact.
    layer_norm_case(cases, "layer_norm/rank2_mean_100", {3, 16}, 100.0, 1e-5, rng);
}

const bool registered_layer_norm = register_cases("layer_norm", layer_norm_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
