#pragma once
/// AdamCore: what Adam and AdamW share: the parameters by name, their two moment buffers, the
/// step counter, the hyperparameters with their checks, and the one update loop, in the order
/// of PyTorch's arithmetic. Adam and AdamW differ only in where the weight decay goes
/// (step(WeightDecay::...)).
///
/// State, named for checkpoints (as torch's state_dict keeps it per parameter):
///   exp_avg.<name>     m, the running mean of the gradient            (shape of the parameter)
///   exp_avg_sq.<name>  v, the running mean of the squared gradient    (shape of the parameter)
/// The tensors state() returns share their values with the optimizer's buffers: writing into
/// them (a checkpoint loader) restores the optimizer; together with set_step_count(t) the next
/// step continues exactly as the saved run would have.
///
/// The buffers are allocated once, in the constructor (zeros, as torch starts them), so a
/// state can be loaded before the first step and no step allocates.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"

namespace tapegrad {

struct AdamHyperparameters {
    double lr;
    double beta1;
    double beta2;
    double eps;
    double weight_decay;
    bool decay_only_matrices;  // weight decay only on parameters with 2 or more dimensions
};

class AdamCore {
public:
    /// `optimizer` ("Adam", "AdamW") starts every error message. Throws std::invalid_argument
    /// naming the field when a hyperparameter is out of range (lr, eps, weight_decay finite
    /// and >= 0; beta1, beta2 in [0, 1)), and naming the parameter when one is an empty
    /// handle, does not require a gradient, has an empty or repeated name, or is listed twice.
    AdamCore(const char* optimizer, NamedTensors parameters, const AdamHyperparameters& h);

    const char* optimizer() const { return optimizer_; }
    const AdamHyperparameters& hyper() const { return h_; }
    const NamedTensors& parameters() const { return parameters_; }
    std::size_t size() const { return parameters_.size(); }

    /// The weight decay of parameter i: weight_decay, or 0 for a parameter of fewer than two
    /// dimensions under decay_only_matrices (nanoGPT's rule: no decay on biases, gains).
    double weight_decay_of(std::size_t i) const { return decay_[i]; }
    Array& exp_avg(std::size_t i) { return exp_avg_[i].value(); }
    Array& exp_avg_sq(std::size_t i) { return exp_avg_sq_[i].value(); }
    /// Throws std::logic_error when parameter i's value, gradient or moments no longer have
    /// one size (a parameter resized after the optimizer was made).
    void check_sizes(std::size_t i);

    void set_lr(double lr);
    long step_count() const { return step_; }
    /// Throws std::invalid_argument for a negative count.
    void set_step_count(long step);
    /// Where the weight decay wd goes.
    enum class WeightDecay {
        l2,         // Adam: into the gradient, g <- g + wd p, and so through the moments
        decoupled,  // AdamW: onto the parameter, p <- p (1 - lr wd), before the update
    };
    /// One optimizer step, t = step_count() + 1, for every parameter p with a gradient g:
    ///     m <- beta1 m + (1 - beta1) g              exp_avg
    ///     v <- beta2 v + (1 - beta2) g^2            exp_avg_sq
    ///     p <- p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    /// with the decay as `decay` says. Parameters without a gradient are skipped (torch skips
    /// a parameter whose .grad is None).
    void step(WeightDecay decay);
    /// Counts one more step and returns its number t (1 for the first step).
    long advance_step() { return ++step_; }
    void zero_grad();

    NamedTensors state() const;
    std::map<std::string, std::string> hyperparameters() const;

private:
    const char* optimizer_;
    NamedTensors parameters_;
    AdamHyperparameters h_;
    std::vector<double> decay_;       // per parameter
    std::vector<Tensor> exp_avg_;     // per parameter, named exp_avg.<name>
    std::vector<Tensor> exp_avg_sq_;  // per parameter, named exp_avg_sq.<name>
    long step_ = 0;
};

}  // namespace tapegrad
