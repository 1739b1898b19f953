#include "engine/optim/adam.hpp"

namespace tapegrad {

namespace {

AdamHyperparameters hyper(const AdamOptions& o) {
    return {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.decay_only_matrices};
}

}  // namespace

Adam::Adam(NamedTensors parameters, const AdamOptions& options)
    : core_("Adam", std::move(parameters), hyper(options)) {}

void Adam::step() {
    core_.step(AdamCore::WeightDecay::l2);
}

}  // namespace tapegrad
