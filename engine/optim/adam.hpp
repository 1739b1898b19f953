#pragma once
/// Adam with L2 weight decay (the decay added to the gradient), exactly as torch.optim.Adam
/// (PyTorch 1.13, amsgrad = False, maximize = False), with its defaults (weight_decay = 0).
///
/// step(), at step t (1 for the first) for every parameter p with a gradient g:
///     g <- g + wd p                             L2 decay: through the moments, unlike AdamW
///     m <- beta1 m + (1 - beta1) g              exp_avg
///     v <- beta2 v + (1 - beta2) g^2            exp_avg_sq
///     p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// computed with torch's operations in torch's order (AdamCore::step, adam_core.cpp). The
/// parameter's gradient itself is not changed (torch's grad.add(...) makes a new tensor; here it is
/// one scalar per element).
///
/// decay_only_matrices, the differences from torch and the checkpoint state are as for AdamW
/// (see adamw.hpp and adam_core.hpp).

#include <map>
#include <string>

#include "engine/core/named_tensor.hpp"
#include "engine/optim/adam_core.hpp"

namespace tapegrad {

/// torch.optim.Adam's defaults.
struct AdamOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    bool decay_only_matrices = false;
};

class Adam {
public:
    /// Throws std::invalid_argument naming the field or the parameter (see AdamCore).
    explicit Adam(NamedTensors parameters, const AdamOptions& options = AdamOptions{});

    void step();
    void zero_grad() { core_.zero_grad(); }

    double lr() const { return core_.hyper().lr; }
    void set_lr(double lr) { core_.set_lr(lr); }
    long step_count() const { return core_.step_count(); }
    void set_step_count(long step) { core_.set_step_count(step); }
    double weight_decay_of(std::size_t i) const { return core_.weight_decay_of(i); }

    const NamedTensors& parameters() const { return core_.parameters(); }
    NamedTensors state() const { return core_.state(); }
    std::map<std::string, std::string> hyperparameters() const { return core_.hyperparameters(); }

private:
    AdamCore core_;
};

}  // namespace tapegrad
