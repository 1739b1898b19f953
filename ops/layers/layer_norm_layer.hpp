#pragma once
/// LayerNormLayer: owns gamma [C] and beta [C] and applies LayerNorm over the last axis, as
/// torch.nn.LayerNorm(C) (eps 1e-5). Parameters by PyTorch's state_dict names under a prefix:
/// "<prefix>.weight" (gamma, initialised to ones) and "<prefix>.bias" (beta, zeros), in that
/// order.
///
///     LayerNormLayer ln("blocks.0.ln_1", 64);
///     Tensor y = ln(tape, x);  // x [..., 64] -> y [..., 64]

#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

class LayerNormLayer {
public:
    /// Throws std::invalid_argument when C is 0.
    LayerNormLayer(std::string prefix, std::size_t C, double eps = 1e-5);

    /// y = layer_norm(x) * gamma + beta with this layer's tensors.
    Tensor operator()(Tape& tape, const Tensor& x) const;
    /// The same with the tensors {gamma, beta} given (the order of parameters()).
    Tensor forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p) const;

    /// {"<prefix>.weight", gamma}, {"<prefix>.bias", beta}.
    NamedTensors parameters() const;
    std::vector<Tensor> tensors() const { return {gamma_, beta_}; }
    double eps() const { return eps_; }

private:
    std::string prefix_;
    double eps_;
    Tensor gamma_;  // [C]
    Tensor beta_;   // [C]
};

}  // namespace tapegrad
