#pragma once
/// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), exactly as torch.optim.AdamW
/// (PyTorch 1.13, amsgrad = False, maximize = False), with its defaults.
///
/// step(), at step t (1 for the first) for every parameter p with a gradient g:
///     p <- p (1 - lr wd)                        decoupled weight decay
///     m <- beta1 m + (1 - beta1) g              exp_avg
///     v <- beta2 v + (1 - beta2) g^2            exp_avg_sq
///     p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// that is p - lr m^ / (sqrt(v^) + eps) with m^ = m / (1 - beta1^t), v^ = v / (1 - beta2^t):
/// eps is added after the square root. Every element is computed with torch's own operations
/// in torch's order (AdamCore::step, adam_core.cpp), so the results equal torch's portable CPU
/// kernels bit for bit; torch's AVX2 kernels fuse two of the multiply-adds (FMA) and differ by an
/// ulp or so.
///
///     NamedTensors params = ...;  // every trainable tensor of the model, by state_dict name
///     AdamWOptions o;  o.lr = 3e-4;  o.weight_decay = 0.1;  o.decay_only_matrices = true;
///     AdamW opt(params, o);
///     ... tape.backward(loss); clip_grad_norm(params, 1.0); opt.step(); opt.zero_grad();
///
/// decay_only_matrices: weight decay only on parameters with two or more dimensions (weight
/// matrices, embeddings), none on biases and layer-norm gains: nanoGPT's two parameter groups,
/// in torch `[{"params": dim >= 2, "weight_decay": wd}, {"params": dim < 2, "weight_decay": 0}]`.
///
/// Differences from torch, by design:
///   - A parameter that got no gradient (has_grad() is false) is skipped: no decay, moments
///     unchanged, as torch skips a parameter whose .grad is None. The step counter is one for
///     all parameters, though, where torch counts per parameter: the two agree whenever every
///     parameter gets a gradient at every step (every parameter of a model reaches the loss).
///   - The counter is a long; torch 1.13 keeps it in a float32 tensor that stops counting at
///     2^24.
///   - Hyperparameters are checked for finiteness as well (torch accepts lr = inf).
///
/// No step allocates: the moments are persistent buffers updated element by element in place.
/// For checkpoints see AdamCore: state() (exp_avg.<name>, exp_avg_sq.<name>), step_count(),
/// set_step_count(), hyperparameters().

#include <map>
#include <string>

#include "engine/core/named_tensor.hpp"
#include "engine/optim/adam_core.hpp"

namespace tapegrad {

/// torch.optim.AdamW's defaults.
struct AdamWOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;
    bool decay_only_matrices = false;
};

class AdamW {
public:
    /// Throws std::invalid_argument naming the field or the parameter (see AdamCore).
    explicit AdamW(NamedTensors parameters, const AdamWOptions& options = AdamWOptions{});

    void step();
    void zero_grad() { core_.zero_grad(); }

    double lr() const { return core_.hyper().lr; }
    void set_lr(double lr) { core_.set_lr(lr); }
    long step_count() const { return core_.step_count(); }
    void set_step_count(long step) { core_.set_step_count(step); }
    /// The weight decay parameter i gets (0 under decay_only_matrices for vectors, scalars).
    double weight_decay_of(std::size_t i) const { return core_.weight_decay_of(i); }

    const NamedTensors& parameters() const { return core_.parameters(); }
    NamedTensors state() const { return core_.state(); }
    std::map<std::string, std::string> hyperparameters() const { return core_.hyperparameters(); }

private:
    AdamCore core_;
};

}  // namespace tapegrad
