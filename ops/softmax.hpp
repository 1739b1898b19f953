#pragma once
/// Softmax over the last axis: logits to probabilities, row by row, for any leading dimensions.
///
///   forward:   p_i = e^(z_i - m) / sum_j e^(z_j - m),   m = max_j z_j
///              z [..., V] (any rank >= 1; each row of the last axis separately),  p same shape
///   backward:  dL/dz = J^T dL/dp  with the Jacobian  J = diag(p) - p p^T,  i.e.
///              dL/dz_i = p_i * (dL/dp_i - sum_j p_j dL/dp_j)      (per row)
///
/// Subtracting the row maximum m changes nothing mathematically (it cancels in the ratio) but
/// keeps every exponent <= 0, so e^(z - m) cannot overflow: logits of 1000 work.
/// Followed by CrossEntropy, the backward above turns -y/p into p - y: the slide's dL/dz.

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Softmax {
    static constexpr const char* name = "Softmax";
    static constexpr const char* forward_formula =
        "p_i = e^(z_i - m) / sum_j e^(z_j - m),  m = max_j z_j";
    static constexpr const char* backward_formula =
        "dL/dz_i = p_i * (dL/dp_i - sum_j p_j dL/dp_j)   (J^T dL/dp, J = diag(p) - p p^T)";

    void forward(const Inputs<1>& in, Array& p);
    void backward(const Inputs<1>& in, const Array& p, const Array& grad_p, GradTargets<1>& grad);
};

inline Tensor softmax(Tape& tape, const Tensor& z) {
    return tape.apply(Softmax{}, z);
}

/// The same forward computation on a plain array (no tape): p = softmax(z) over the last axis.
Array softmax(const Array& z);

}  // namespace tapegrad
