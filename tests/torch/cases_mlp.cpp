/// The feed-forward half of a transformer block, LayerNorm -> fc1 -> GELU (tanh) -> fc2, built
/// from LayerNormLayer and Mlp: y and the gradients of L = sum(w y) for x and every parameter,
/// by state_dict name. kinds_mlp.py builds the same with torch.nn.LayerNorm, torch.nn.Linear
/// and F.gelu(approximate="tanh"), loads the parameters by name, and compares.

#include <string>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/layers/layer_norm_layer.hpp"
#include "ops/layers/mlp.hpp"
#include "tests/torch/torch_case.hpp"
#include "tests/torch/weighted_sum.hpp"

namespace tapegrad::torch_cases {

namespace {

void mlp_case(Cases& cases, const std::string& name, const Shape& shape, bool perturb,
              Random& rng) {
    const std::size_t C = shape.back();
    const LayerNormLayer ln("ln_2", C);
    const Mlp mlp("mlp", C, rng);
    NamedTensors params = ln.parameters();
    for (NamedTensor& p : mlp.parameters()) params.push_back(p);
    if (perturb) {  // away from the initialisation (gamma 1, biases 0, tiny weights)
        for (NamedTensor& p : params) p.tensor.value() = normal(p.tensor.shape(), 0.5, rng);
    }
    Tensor x(normal(shape, 1.0, rng), true, "x");  // [..., C]
    const Array w = normal(shape, 1.0, rng);       // [..., C] dL/dy
    Tape tape;
    const Tensor y = mlp(tape, ln(tape, x));
    tape.backward(weighted_sum(tape, y, w));
    json names = json::array(), state = json::object(), grads = json::object();
    for (const NamedTensor& p : params) {
        names.push_back(p.name);  // the order of parameters() (JSON objects are unordered)
        state[p.name] = array_json(p.tensor.value());
        grads[p.name] = array_json(p.tensor.grad());
    }
    cases.add(
        name, "mlp",
        {{"x", array_json(x.value())}, {"w", array_json(w)}, {"state", state}, {"names", names}},
        {{"y", array_json(y.value())}, {"grad_x", array_json(x.grad())}, {"grads", grads}});
}

void mlp_cases(Cases& cases) {
    Random rng(901);
    mlp_case(cases, "mlp/initialised_rank3", {2, 3, 8}, false, rng);
    mlp_case(cases, "mlp/perturbed_rank3", {2, 4, 6}, true, rng);
    mlp_case(cases, "mlp/perturbed_rank2", {5, 4}, true, rng);
}

const bool registered_mlp = register_cases("mlp", mlp_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
