#pragma once
/// SGD: plain stochastic gradient descent over a list of parameters.
///
///     step():      p <- p - lr * dL/dp   for every parameter that received a gradient
///     zero_grad(): forget the accumulated gradients (before the next backward)
///

#include <vector>

#include "engine/core/tensor.hpp"

namespace tapegrad {

class SGD {
public:
    /// Throws std::invalid_argument when lr is negative or not finite, or a parameter does not
    /// require a gradient.
    SGD(std::vector<Tensor> parameters, double lr);

    void step();
    void zero_grad();

    double lr() const { return lr_; }
    void set_lr(double lr);
    const std::vector<Tensor>& parameters() const { return parameters_; }

private:
    std::vector<Tensor> parameters_;
    double lr_;
};

}  // namespace tapegrad
