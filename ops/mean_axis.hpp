#pragma once
/// MeanAxis: averages over one axis and drops it.
///
///   forward:   y[a, c] = (1/n) sum_j x[a, j, c]    x [A..., n, C...] (axis = position of n,
///                                                  n >= 1),  y [A..., C...]
///   backward:  dL/dx[a, j, c] = dL/dy[a, c] / n    for every j
///
/// The sum runs in order of j, then one multiplication by 1/n.

#include <cstddef>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct MeanAxis {
    static constexpr const char* name = "MeanAxis";
    static constexpr const char* forward_formula =
        "y[a, c] = (1/n) sum_j x[a, j, c]   (j on the axis, n its length)";
    static constexpr const char* backward_formula = "dL/dx[a, j, c] = dL/dy[a, c] / n";
    std::size_t axis = 0;  // configuration

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor mean_axis(Tape& tape, const Tensor& x, std::size_t axis) {
    return tape.apply(MeanAxis{axis}, x);
}

}  // namespace tapegrad
