#pragma once
/// SGD: plain stochastic gradient descent over a list of parameters.
///
///     step():      p <- p - lr * dL/dp   for every parameter that received a gradient
///     zero_grad(): forget the accumulated gradients (before the next backward)
///
///     step_during_backward(tape, loss): the same result as
///         tape.backward(loss); step(); zero_grad();
///     but each parameter whose gradient can go straight into its value does so inside the
///     backward pass (Tape::backward_with_updates, alpha = -lr): for W of a Linear layer the dW
///     GEMM itself computes W <- W - lr * (dL/dz)^T x, with no dW buffer and no second pass
///     over W. Parameters where that is not safe (used by two nodes, a gradient already
///     pending, an op that needs the old value later) take the normal path within the same
///     call. Afterwards no parameter holds a gradient. The numbers equal the normal path's up
///     to rounding: BLAS may round W + (-lr * g) once (FMA) where step() rounds twice.

#include <vector>

#include "engine/core/tape.hpp"
#include "engine/core/tensor.hpp"

namespace tapegrad {

class SGD {
public:
    /// Throws std::invalid_argument when lr is negative or not finite, or a parameter does not
    /// require a gradient.
    SGD(std::vector<Tensor> parameters, double lr);

    void step();
    void zero_grad();
    void step_during_backward(Tape& tape, const Tensor& loss);

    double lr() const { return lr_; }
    void set_lr(double lr);
    const std::vector<Tensor>& parameters() const { return parameters_; }

private:
    std::vector<Tensor> parameters_;
    double lr_;
    std::vector<Tape::InPlaceUpdate> updates_;  // reused by step_during_backward
};

}  // namespace tapegrad
