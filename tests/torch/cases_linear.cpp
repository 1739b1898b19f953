/// Linear, rank 2: z = x W^T + b forward, and dL/dx, dL/dW, dL/db for L = sum(w z).
/// kinds_linear.py recomputes them with torch.nn.functional.linear.

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/linear.hpp"
#include "tests/torch/torch_case.hpp"
#include "tests/torch/weighted_sum.hpp"

namespace tapegrad::torch_cases {

namespace {

void linear_case(Cases& cases, const std::string& name, std::size_t B, std::size_t d, std::size_t V,
                 bool with_bias, std::uint64_t seed) {
    Random rng(seed);
    Tensor x(normal({B, d}, 1.0, rng), true, "x");                // [B, d]
    Tensor W = Tensor::parameter(normal({V, d}, 1.0, rng), "W");  // [V, d]
    Tensor b = Tensor::parameter(normal({V}, 1.0, rng), "b");     // [V]
    const Array w = normal({B, V}, 1.0, rng);                     // [B, V] dL/dz
    Tape tape;
    const Tensor z = with_bias ? linear(tape, x, W, b) : linear(tape, x, W);
    const Tensor loss = weighted_sum(tape, z, w);
    tape.backward(loss);
    json inputs = {
        {"x", array_json(x.value())}, {"W", array_json(W.value())}, {"w", array_json(w)}};
    json results = {{"z", array_json(z.value())},
                    {"loss", number_json(loss.value()())},
                    {"grad_x", array_json(x.grad())},
                    {"grad_W", array_json(W.grad())}};
    if (with_bias) {
        inputs["b"] = array_json(b.value());
        results["grad_b"] = array_json(b.grad());
    }
    cases.add(name, "linear", std::move(inputs), std::move(results));
}

void linear_cases(Cases& cases) {
    linear_case(cases, "linear/rank2_bias", 3, 4, 5, true, 101);
    linear_case(cases, "linear/rank2_no_bias", 2, 3, 4, false, 102);
    linear_case(cases, "linear/rank2_one_row", 1, 6, 3, true, 103);
    linear_case(cases, "linear/rank2_larger", 16, 32, 24, true, 104);
}

const bool registered_linear = register_cases("linear", linear_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
