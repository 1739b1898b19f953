#pragma once
/// One case for an op or a composition of ops: y = f(inputs), L = sum(w y) with w drawn from
/// rng, backward; the case holds the inputs, w and the configuration, and y, L and dL/d(input)
/// for every input. op_reference.py's check_op recomputes the same in torch.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "tests/torch/torch_case.hpp"
#include "tests/torch/weighted_sum.hpp"

namespace tapegrad::torch_cases {

using NamedArrays = std::vector<std::pair<std::string, Array>>;
using OpFunction = std::function<Tensor(Tape&, const std::vector<Tensor>&)>;

inline void add_op_case(Cases& cases, const std::string& name, const std::string& kind, json config,
                        const NamedArrays& inputs, const OpFunction& f, Random& rng) {
    std::vector<Tensor> tensors;
    for (const auto& [input_name, value] : inputs)
        tensors.push_back(Tensor::parameter(value, input_name));
    Tape tape;
    const Tensor y = f(tape, tensors);
    const Array w = normal(y.shape(), 1.0, rng);  // [shape of y] dL/dy
    const Tensor loss = weighted_sum(tape, y, w);
    tape.backward(loss);
    json in = {{"w", array_json(w)}, {"config", std::move(config)}};
    json results = {{"y", array_json(y.value())}, {"loss", number_json(loss.value()())}};
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        in[inputs[i].first] = array_json(inputs[i].second);
        results["grad_" + inputs[i].first] = array_json(tensors[i].grad());
    }
    cases.add(name, kind, std::move(in), std::move(results));
}

}  // namespace tapegrad::torch_cases
