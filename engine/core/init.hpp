#pragma once
/// Initial values for parameters: zeros, ones, and normal draws from a seeded Random, so the
/// same seed gives byte-identical parameters on every platform.
///
///     Random rng(1337);
///     Tensor W = Tensor::parameter(normal({V, C}, 0.02, rng), "lm_head.weight");  // [V, C]
///     Tensor b = Tensor::parameter(zeros({V}), "lm_head.bias");                   // [V]
///
/// normal() fills the array in row-major order, one rng.normal() per element, so the values
/// depend on the shape's element count and the generator's state, not on the layout.

#include "engine/core/array.hpp"
#include "engine/core/random.hpp"

namespace tapegrad {

/// sigma * N(0, 1) for every element. Throws std::invalid_argument when sigma is negative or
/// not finite.
Array normal(const Shape& shape, double sigma, Random& rng);
/// Uniform in [lo, hi) for every element: lo + (hi - lo) * rng.uniform(). Throws
/// std::invalid_argument unless lo <= hi, both finite.
Array uniform(const Shape& shape, double lo, double hi, Random& rng);
Array zeros(const Shape& shape);
Array ones(const Shape& shape);

}  // namespace tapegrad
