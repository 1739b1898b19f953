#include "ops/layers/linear_layer.hpp"

#include <stdexcept>
#include <utility>

#include "engine/core/init.hpp"
#include "ops/linear.hpp"

namespace tapegrad {

LinearLayer::LinearLayer(std::string prefix, std::size_t in, std::size_t out, Random& rng,
                         bool bias, double sigma)
    : prefix_(std::move(prefix)) {
    if (in == 0 || out == 0)
        throw std::invalid_argument("LinearLayer " + prefix_ + ": in and out must be > 0; got in " +
                                    std::to_string(in) + ", out " + std::to_string(out));
    W_ = Tensor::parameter(normal({out, in}, sigma, rng), prefix_ + ".weight");  // [out, in]
    if (bias) b_ = Tensor::parameter(zeros({out}), prefix_ + ".bias");           // [out]
}

Tensor LinearLayer::operator()(Tape& tape, const Tensor& x) const {
    return forward(tape, x, tensors());
}

Tensor LinearLayer::forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p) {
    if (p.size() == 2) return linear(tape, x, p[0], p[1]);
    if (p.size() == 1) return linear(tape, x, p[0]);
    throw std::invalid_argument("LinearLayer::forward: needs {W, b} or {W}; got " +
                                std::to_string(p.size()) + " tensors");
}

NamedTensors LinearLayer::parameters() const {
    NamedTensors named{{prefix_ + ".weight", W_}};
    if (b_.defined()) named.push_back({prefix_ + ".bias", b_});
    return named;
}

std::vector<Tensor> LinearLayer::tensors() const {
    if (b_.defined()) return {W_, b_};
    return {W_};
}

}  // namespace tapegrad
