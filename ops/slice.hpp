#pragma once
/// Slice: columns begin..end-1 of the last axis (q, k and v out of qkv [B, T, 3C]).
///
///   forward:   y[..., j] = x[..., begin + j]        x [..., n],  y [..., end - begin],
///                                                   0 <= begin < end <= n
///   backward:  dL/dx[..., begin + j] = dL/dy[..., j],  dL/dx = 0 outside the slice
///
/// A copy (each row's block of end - begin contiguous doubles). Backward writes the whole
/// dL/dx, zeros included: three Slices of one qkv each write all of [B, T, 3C], and the engine
/// adds the three (3 passes of the input's size, where one split op would write it once).

#include <cstddef>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Slice {
    static constexpr const char* name = "Slice";
    static constexpr const char* forward_formula = "y[..., j] = x[..., begin + j]";
    static constexpr const char* backward_formula =
        "dL/dx[..., begin + j] = dL/dy[..., j],  0 outside the slice";
    std::size_t begin = 0;  // configuration: first column of the last axis taken
    std::size_t end = 0;    // one past the last

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

/// x[..., begin:end]
inline Tensor slice(Tape& tape, const Tensor& x, std::size_t begin, std::size_t end) {
    return tape.apply(Slice{begin, end}, x);
}

}  // namespace tapegrad
