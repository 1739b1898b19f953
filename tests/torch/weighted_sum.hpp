#pragma once
/// WeightedSum: L = sum_i w_i y_i with fixed weights w, so dL/dy = w. It turns an op's output y
/// into a scalar loss with a known, non-symmetric gradient, so a case can check the op's
/// backward for any incoming dL/dy (a plain sum would hide errors that cancel). In torch:
/// (w * y).sum(). The sum runs in element order.

#include <stdexcept>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad::torch_cases {

struct WeightedSum {
    static constexpr const char* name = "WeightedSum";
    Array w;  // [shape of y]

    void forward(const Inputs<1>& in, Array& loss) {
        if (!shapes_equal(in[0].shape(), w.shape()))
            throw std::invalid_argument("WeightedSum: y " + shape_string(in[0]) + " and w " +
                                        shape_string(w) + " differ");
        double sum = 0.0;
        for (std::size_t i = 0; i < w.size(); ++i) sum += w.data()[i] * in[0].data()[i];
        loss.resize(Shape{});
        loss() = sum;
    }
    void backward(const Inputs<1>&, const Array&, const Array& grad_loss, GradTargets<1>& grad) {
        const Array g = grad_loss() * w;  // [shape of y]
        grad[0].set(g);
    }
};

inline Tensor weighted_sum(Tape& tape, const Tensor& y, Array w) {
    return tape.apply(WeightedSum{std::move(w)}, y);
}

}  // namespace tapegrad::torch_cases
