#pragma once
/// SumAxis: sums over one axis and drops it (per-token totals, a batch sum).
///
///   forward:   y[a, c] = sum_j x[a, j, c]     x [A..., n, C...] (axis = position of n),
///                                             y [A..., C...]
///   backward:  dL/dx[a, j, c] = dL/dy[a, c]   for every j
///
/// Loops over [outer, n, inner] (inner contiguous): one pass over x forward, one over dL/dx
/// backward. Summation runs in order of j.

#include <cstddef>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct SumAxis {
    static constexpr const char* name = "SumAxis";
    static constexpr const char* forward_formula = "y[a, c] = sum_j x[a, j, c]   (j on the axis)";
    static constexpr const char* backward_formula = "dL/dx[a, j, c] = dL/dy[a, c]";
    std::size_t axis = 0;  // configuration

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor sum_axis(Tape& tape, const Tensor& x, std::size_t axis) {
    return tape.apply(SumAxis{axis}, x);
}

/// Shared by SumAxis and MeanAxis. Throws std::invalid_argument naming `op`, the axis and
/// x's shape unless the axis exists (and, when `needs_elements`, has at least one element).
void check_axis(const char* op, const Array& x, std::size_t axis, bool needs_elements);
/// y = c * (sum of x over `axis`), y resized to x's shape without that axis.
void reduce_axis(const Array& x, std::size_t axis, double c, Array& y);
/// grad_x[a, j, c] = c * grad_y[a, c]: grad_y spread back over `axis` (grad_x has x's shape).
void spread_axis(const Array& grad_y, std::size_t axis, double c, Array& grad_x);

}  // namespace tapegrad
