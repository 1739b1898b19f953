#include "ops/layers/mlp.hpp"

#include <stdexcept>

#include "ops/gelu.hpp"

namespace tapegrad {

namespace {
std::size_t checked_width(const std::string& prefix, std::size_t C) {
    if (C == 0) throw std::invalid_argument("Mlp " + prefix + ": C must be > 0");
    return C;
}
}  // namespace

Mlp::Mlp(const std::string& prefix, std::size_t C, Random& rng)
    : fc1_(prefix + ".fc1", checked_width(prefix, C), 4 * C, rng),
      fc2_(prefix + ".fc2", 4 * C, C, rng) {}

Tensor Mlp::operator()(Tape& tape, const Tensor& x) const {
    return forward(tape, x, tensors());
}

Tensor Mlp::forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p) {
    if (p.size() != 4)
        throw std::invalid_argument("Mlp::forward: needs {fc1 W, fc1 b, fc2 W, fc2 b}; got " +
                                    std::to_string(p.size()) + " tensors");
    const Tensor h = LinearLayer::forward(tape, x, {p[0], p[1]});  // [..., 4C]
    const Tensor a = gelu(tape, h);                                // [..., 4C]
    return LinearLayer::forward(tape, a, {p[2], p[3]});            // [..., C]
}

NamedTensors Mlp::parameters() const {
    NamedTensors named = fc1_.parameters();
    for (NamedTensor& p : fc2_.parameters()) named.push_back(std::move(p));
    return named;
}

std::vector<Tensor> Mlp::tensors() const {
    return {fc1_.weight(), fc1_.bias(), fc2_.weight(), fc2_.bias()};
}

}  // namespace tapegrad
