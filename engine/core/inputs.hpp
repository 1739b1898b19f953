#pragma once
/// Inputs<N>: the values of an op's N input tensors, read-only, in the order they were applied.

#include <array>
#include <cstddef>

#include "engine/core/array.hpp"

namespace tapegrad {

template <std::size_t N>
class Inputs {
public:
    explicit Inputs(const std::array<const Array*, N>& values) : values_(values) {}
    const Array& operator[](std::size_t i) const { return *values_[i]; }
    static constexpr std::size_t size() { return N; }

private:
    std::array<const Array*, N> values_;
};

}  // namespace tapegrad
