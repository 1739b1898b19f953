/// GELU, tanh form: y and dL/dx for L = sum(w y). kinds_gelu.py recomputes them with
/// torch.nn.functional.gelu(x, approximate="tanh").

#include <string>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/gelu.hpp"
#include "tests/torch/torch_case.hpp"
#include "tests/torch/weighted_sum.hpp"

namespace tapegrad::torch_cases {

namespace {

void gelu_case(Cases& cases, const std::string& name, const Array& x0, Random& rng) {
    Tensor x(x0, true, "x");
    const Array w = normal(x0.shape(), 1.0, rng);  // [shape of x] dL/dy
    Tape tape;
    const Tensor y = gelu(tape, x);
    tape.backward(weighted_sum(tape, y, w));
    cases.add(name, "gelu", {{"x", array_json(x.value())}, {"w", array_json(w)}},
              {{"y", array_json(y.value())}, {"grad_x", array_json(x.grad())}});
}

void gelu_cases(Cases& cases) {
    Random rng(801);
    gelu_case(cases, "gelu/rank2", normal({4, 6}, 2.0, rng), rng);
    gelu_case(cases, "gelu/rank3", normal({2, 3, 5}, 1.0, rng), rng);
    // Far out on both sides (y = x or 0, dL/dx = w or 0) and at 0.
    const Array tails{-30.0, -8.0, -3.0, 0.0, 3.0, 8.0, 30.0};  // [7]
    gelu_case(cases, "gelu/tails", tails, rng);
}

const bool registered_gelu = register_cases("gelu", gelu_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
