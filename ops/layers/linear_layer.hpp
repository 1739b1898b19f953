#pragma once
/// LinearLayer: owns W [out, in] and b [out] and applies Linear, z = x W^T + b, as
/// torch.nn.Linear(in, out). Its parameters carry PyTorch's state_dict names under a prefix:
/// "<prefix>.weight" (W) and "<prefix>.bias" (b), in that order.
///
///     Random rng(1337);
///     LinearLayer fc("mlp.fc1", 64, 256, rng);  // W [256, 64] ~ N(0, 0.02^2), b [256] = 0
///     Tensor z = fc(tape, x);                   // x [..., 64] -> z [..., 256]
///
/// Initialisation as nanoGPT's _init_weights (GPT-2): W normal with sigma 0.02 drawn from rng
/// (engine/core/init.hpp: the same numbers on every platform), b zeros. Without a bias
/// (bias = false) the layer has only "<prefix>.weight" and applies z = x W^T.

#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

class LinearLayer {
public:
    /// Throws std::invalid_argument when in or out is 0.
    LinearLayer(std::string prefix, std::size_t in, std::size_t out, Random& rng, bool bias = true,
                double sigma = 0.02);

    /// z = x W^T + b with this layer's tensors.
    Tensor operator()(Tape& tape, const Tensor& x) const;
    /// The same with the tensors given in the order of parameters() ({W, b} or {W}): the
    /// layer's forward as a function of its parameters, for gradcheck on copies.
    static Tensor forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p);

    /// {"<prefix>.weight", W}, {"<prefix>.bias", b} (when it has one).
    NamedTensors parameters() const;
    std::vector<Tensor> tensors() const;

    const Tensor& weight() const { return W_; }
    const Tensor& bias() const { return b_; }  // empty (defined() false) without a bias

private:
    std::string prefix_;
    Tensor W_;  // [out, in]
    Tensor b_;  // [out]
};

}  // namespace tapegrad
