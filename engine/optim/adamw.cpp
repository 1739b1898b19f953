#include "engine/optim/adamw.hpp"

namespace tapegrad {

namespace {

AdamHyperparameters hyper(const AdamWOptions& o) {
    return {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.decay_only_matrices};
}

}  // namespace

AdamW::AdamW(NamedTensors parameters, const AdamWOptions& options)
    : core_("AdamW", std::move(parameters), hyper(options)) {}

void AdamW::step() {
    core_.step(AdamCore::WeightDecay::decoupled);
}

}  // namespace tapegrad
