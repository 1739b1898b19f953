#pragma once
/// Transpose: swaps two axes (heads before time: [B, T, H, D] -> [B, H, T, D]).
///
///   forward:   y[..., j, ..., i, ...] = x[..., i, ..., j, ...]      (axes axis0 and axis1)
///              x [d_0, ..., d_{r-1}],  y the same with d_axis0 and d_axis1 exchanged
///   backward:  dL/dx = dL/dy with the same two axes swapped back
///
/// A copy written by loops, not a strided xtensor view: the axes outside the two are split
/// into [outer, d_a, middle, d_b, inner] and the innermost `inner` elements (contiguous in
/// both arrays) are copied as one block, so each pass reads and writes every element once.
/// (An xtensor strided transpose assignment runs at under 1 GB/s: see the pitfalls.) Swapping
/// the last two axes gives inner = 1, an element-by-element copy; prefer MatMul's transpose
/// flags for a matrix product.

#include <cstddef>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Transpose {
    static constexpr const char* name = "Transpose";
    static constexpr const char* forward_formula = "y = x with axes axis0 and axis1 swapped";
    static constexpr const char* backward_formula =
        "dL/dx = dL/dy with axes axis0 and axis1 swapped back";
    std::size_t axis0 = 0;  // configuration: the two axes (any order, may be equal)
    std::size_t axis1 = 1;

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

inline Tensor transpose(Tape& tape, const Tensor& x, std::size_t axis0, std::size_t axis1) {
    return tape.apply(Transpose{axis0, axis1}, x);
}

/// out = in with axes a and b swapped, by loops; out must already have the swapped shape.
void swap_axes(const Array& in, std::size_t a, std::size_t b, Array& out);

}  // namespace tapegrad
