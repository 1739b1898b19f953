#include "engine/optim/sgd.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <xtensor/xnoalias.hpp>

namespace tapegrad {

SGD::SGD(std::vector<Tensor> parameters, double lr) : parameters_(std::move(parameters)) {
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        const Tensor& p = parameters_[i];
        if (!p.defined() || !p.requires_grad()) {
            throw std::invalid_argument("SGD: parameter " + std::to_string(i) + " '" +
                                        (p.defined() ? p.name() : std::string("(empty)")) +
                                        "' does not require a gradient");
        }
    }
    set_lr(lr);
}

void SGD::set_lr(double lr) {
    if (!std::isfinite(lr) || lr < 0.0)
        throw std::invalid_argument("SGD: lr must be finite and >= 0, got " + std::to_string(lr));
    lr_ = lr;
}

void SGD::step() {
    for (Tensor& p : parameters_) {
        if (!p.has_grad()) continue;  // nothing reached it: nothing to do
        // In place: `W = W - lr * dW` would build a temporary the size of W every step.
        xt::noalias(p.value()) -= lr_ * p.grad();
    }
}

void SGD::zero_grad() {
    for (Tensor& p : parameters_) p.zero_grad();
}

}  // namespace tapegrad
