#include "engine/core/init.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/core/number_string.hpp"

namespace tapegrad {

Array normal(const Shape& shape, double sigma, Random& rng) {
    if (!std::isfinite(sigma) || sigma < 0.0)
        throw std::invalid_argument("normal: sigma must be finite and >= 0, got " +
                                    number_string(sigma) + " (shape " + shape_string(shape) + ")");
    Array a(shape);  // [shape]
    for (double& x : a) x = sigma * rng.normal();
    return a;
}

Array uniform(const Shape& shape, double lo, double hi, Random& rng) {
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo <= hi))
        throw std::invalid_argument("uniform: lo and hi must be finite with lo <= hi, got lo " +
                                    number_string(lo) + ", hi " + number_string(hi) + " (shape " +
                                    shape_string(shape) + ")");
    Array a(shape);  // [shape]
    const double width = hi - lo;
    for (double& x : a) x = lo + width * rng.uniform();
    return a;
}

Array zeros(const Shape& shape) {
    Array a(shape, 0.0);  // [shape]
    return a;
}

Array ones(const Shape& shape) {
    Array a(shape, 1.0);  // [shape]
    return a;
}

}  // namespace tapegrad
