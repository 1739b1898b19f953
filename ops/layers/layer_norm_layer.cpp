#include "ops/layers/layer_norm_layer.hpp"

#include <stdexcept>
#include <utility>

#include "engine/core/init.hpp"
#include "ops/layer_norm.hpp"

namespace tapegrad {

LayerNormLayer::LayerNormLayer(std::string prefix, std::size_t C, double eps)
    : prefix_(std::move(prefix)), eps_(eps) {
    if (C == 0) throw std::invalid_argument("LayerNormLayer " + prefix_ + ": C must be > 0");
    gamma_ = Tensor::parameter(ones({C}), prefix_ + ".weight");  // [C]
    beta_ = Tensor::parameter(zeros({C}), prefix_ + ".bias");    // [C]
}

Tensor LayerNormLayer::operator()(Tape& tape, const Tensor& x) const {
    return forward(tape, x, tensors());
}

Tensor LayerNormLayer::forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p) const {
    if (p.size() != 2)
        throw std::invalid_argument("LayerNormLayer::forward: needs {gamma, beta}; got " +
                                    std::to_string(p.size()) + " tensors");
    return layer_norm(tape, x, p[0], p[1], eps_);
}

NamedTensors LayerNormLayer::parameters() const {
    return {{prefix_ + ".weight", gamma_}, {prefix_ + ".bias", beta_}};
}

}  // namespace tapegrad
