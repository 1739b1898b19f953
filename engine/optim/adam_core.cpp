#include "engine/optim/adam_core.hpp"

#include <cmath>
#include <stdexcept>

#include "engine/core/number_string.hpp"

namespace tapegrad {

namespace {

void require_finite_non_negative(const char* optimizer, const char* field, double x) {
    if (!std::isfinite(x) || x < 0.0)
        throw std::invalid_argument(std::string(optimizer) + ": " + field +
                                    " must be finite and >= 0, got " + number_string(x));
}

void require_beta(const char* optimizer, const char* field, double x) {
    if (!(x >= 0.0 && x < 1.0))  // also rejects NaN
        throw std::invalid_argument(std::string(optimizer) + ": " + field +
                                    " must be in [0, 1), got " + number_string(x));
}

}  // namespace

AdamCore::AdamCore(const char* optimizer, NamedTensors parameters, const AdamHyperparameters& h)
    : optimizer_(optimizer), parameters_(std::move(parameters)), h_(h) {
    const std::string who = optimizer_;
    require_finite_non_negative(optimizer_, "lr", h.lr);
    require_beta(optimizer_, "beta1", h.beta1);
    require_beta(optimizer_, "beta2", h.beta2);
    require_finite_non_negative(optimizer_, "eps", h.eps);
    require_finite_non_negative(optimizer_, "weight_decay", h.weight_decay);
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        const NamedTensor& p = parameters_[i];
        const std::string label = "parameter " + std::to_string(i) + " '" + p.name + "'";
        if (p.name.empty())
            throw std::invalid_argument(who + ": parameter " + std::to_string(i) +
                                        " has an empty name (the state is saved by name)");
        if (!p.tensor.defined())
            throw std::invalid_argument(who + ": " + label + " is an empty tensor handle");
        if (!p.tensor.requires_grad())
            throw std::invalid_argument(who + ": " + label + " does not require a gradient");
        for (std::size_t j = 0; j < i; ++j) {
            const NamedTensor& q = parameters_[j];
            if (q.name == p.name)
                throw std::invalid_argument(who + ": parameter name '" + p.name +
                                            "' appears twice (parameters " + std::to_string(j) +
                                            " and " + std::to_string(i) + ")");
            if (q.tensor.same_as(p.tensor))
                throw std::invalid_argument(who + ": parameters " + std::to_string(j) + " '" +
                                            q.name + "' and " + label +
                                            " are the same tensor (it would be updated twice)");
        }
    }
    for (const NamedTensor& p : parameters_) {
        const bool decays = !h_.decay_only_matrices || p.tensor.value().dimension() >= 2;
        decay_.push_back(decays ? h_.weight_decay : 0.0);
        const Array zeros(p.tensor.shape(), 0.0);  // [shape of the parameter]
        exp_avg_.emplace_back(zeros, false, "exp_avg." + p.name);
        exp_avg_sq_.emplace_back(zeros, false, "exp_avg_sq." + p.name);
    }
}

void AdamCore::check_sizes(std::size_t i) {
    const Tensor& p = parameters_[i].tensor;
    const std::size_t n = p.value().size();
    if (p.grad().size() != n || exp_avg_[i].value().size() != n ||
        exp_avg_sq_[i].value().size() != n)
        throw std::logic_error(std::string(optimizer_) + ": parameter '" + parameters_[i].name +
                               "' has value " + shape_string(p.value()) + ", gradient " +
                               shape_string(p.grad()) + ", exp_avg " +
                               shape_string(exp_avg_[i].value()) + ", exp_avg_sq " +
                               shape_string(exp_avg_sq_[i].value()) + ": sizes differ");
}

void AdamCore::set_lr(double lr) {
    require_finite_non_negative(optimizer_, "lr", lr);
    h_.lr = lr;
}

void AdamCore::set_step_count(long step) {
    if (step < 0)
        throw std::invalid_argument(std::string(optimizer_) + ": step count must be >= 0, got " +
                                    std::to_string(step));
    step_ = step;
}

void AdamCore::zero_grad() {
    for (NamedTensor& p : parameters_) p.tensor.zero_grad();
}

NamedTensors AdamCore::state() const {
    NamedTensors s;
    for (std::size_t i = 0; i < parameters_.size(); ++i) {
        s.push_back({exp_avg_[i].name(), exp_avg_[i]});
        s.push_back({exp_avg_sq_[i].name(), exp_avg_sq_[i]});
    }
    return s;
}

std::map<std::string, std::string> AdamCore::hyperparameters() const {
    return {{"optimizer", optimizer_},
            {"lr", number_string(h_.lr)},
            {"beta1", number_string(h_.beta1)},
            {"beta2", number_string(h_.beta2)},
            {"eps", number_string(h_.eps)},
            {"weight_decay", number_string(h_.weight_decay)},
            {"decay_only_matrices", h_.decay_only_matrices ? "true" : "false"}};
}

}  // namespace tapegrad
