/// A whole pre-LN decoder block (DecoderBlock): y and the gradients of L = sum(w y) for x and
/// every parameter, by state_dict name. kinds_decoder_block.py builds nanoGPT's Block (without
/// dropout) from torch.nn.LayerNorm, torch.nn.Linear, the masked softmax and F.gelu(tanh),
/// loads the parameters by name (strict), and compares.

#include <string>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/layers/decoder_block.hpp"
#include "tests/torch/torch_case.hpp"
#include "tests/torch/weighted_sum.hpp"

namespace tapegrad::torch_cases {

namespace {

void decoder_block_case(Cases& cases, const std::string& name, const Shape& shape, std::size_t H,
                        bool perturb, Random& rng) {
    const DecoderBlock block("blocks.0", shape.back(), H, rng);
    NamedTensors params = block.parameters();
    if (perturb) {  // away from the initialisation (gamma 1, biases 0, tiny weights)
        for (NamedTensor& p : params) p.tensor.value() = normal(p.tensor.shape(), 0.5, rng);
    }
    Tensor x(normal(shape, 1.0, rng), true, "x");  // [B, T, C]
    const Array w = normal(shape, 1.0, rng);       // [B, T, C] dL/dy
    Tape tape;
    const Tensor y = block(tape, x);
    tape.backward(weighted_sum(tape, y, w));
    json names = json::array(), state = json::object(), grads = json::object();
    for (const NamedTensor& p : params) {
        names.push_back(p.name);  // the order of parameters() (JSON objects are unordered)
        state[p.name] = array_json(p.tensor.value());
        grads[p.name] = array_json(p.tensor.grad());
    }
    cases.add(name, "decoder_block",
              {{"x", array_json(x.value())},
               {"w", array_json(w)},
               {"H", H},
               {"state", state},
               {"names", names}},
              {{"y", array_json(y.value())}, {"grad_x", array_json(x.grad())}, {"grads", grads}});
}

void decoder_block_cases(Cases& cases) {
    Random rng(907);
    decoder_block_case(cases, "decoder_block/initialised_B2_T4_C8_H2", {2, 4, 8}, 2, false, rng);
    decoder_block_case(cases, "decoder_block/perturbed_B2_T5_C12_H3", {2, 5, 12}, 3, true, rng);
    decoder_block_case(cases, "decoder_block/perturbed_B1_T1_C4_H1", {1, 1, 4}, 1, true, rng);
}

const bool registered_decoder_block = register_cases("decoder_block", decoder_block_cases);

}  // namespace

}  // namespace tapegrad::torch_cases
