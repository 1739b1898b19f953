#pragma once
/// Mlp: the transformer block's feed-forward part, as GPT-2's (nanoGPT's MLP with the tanh
/// GELU):  y = fc2(gelu(fc1(x)))
///     fc1: W [4C, C], b [4C]     x [..., C] -> h [..., 4C]
///     GELU, tanh form            h -> a [..., 4C]
///     fc2: W [C, 4C], b [C]      a -> y [..., C]
/// Parameters by PyTorch's state_dict names under a prefix, in this order:
///     "<prefix>.fc1.weight", "<prefix>.fc1.bias", "<prefix>.fc2.weight", "<prefix>.fc2.bias"
/// Matrices drawn normal(0, 0.02) from rng in that order (fc1's, then fc2's), biases zeros.
///
///     Random rng(1337);
///     Mlp mlp("blocks.0.mlp", 64, rng);
///     Tensor y = mlp(tape, x);  // x [..., 64] -> y [..., 64]

#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"
#include "ops/layers/linear_layer.hpp"

namespace tapegrad {

class Mlp {
public:
    /// Throws std::invalid_argument when C is 0.
    Mlp(const std::string& prefix, std::size_t C, Random& rng);

    /// y = fc2(gelu(fc1(x))) with this layer's tensors.
    Tensor operator()(Tape& tape, const Tensor& x) const;
    /// The same with the tensors {fc1 W, fc1 b, fc2 W, fc2 b} given (the order of
    /// parameters()): the forward as a function of its parameters, for gradcheck on copies.
    static Tensor forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p);

    NamedTensors parameters() const;
    std::vector<Tensor> tensors() const;

    const LinearLayer& fc1() const { return fc1_; }
    const LinearLayer& fc2() const { return fc2_; }

private:
    LinearLayer fc1_;  // [4C, C], [4C]
    LinearLayer fc2_;  // [C, 4C], [C]
};

}  // namespace tapegrad
