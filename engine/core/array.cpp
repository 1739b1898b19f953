#include "engine/core/array.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace tapegrad {

std::string shape_string(const Shape& shape) {
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

std::size_t first_non_finite(const Array& a) {
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!std::isfinite(a.data()[i])) return i;
    return a.size();
}

double max_abs_diff(const Array& a, const Array& b) {
    if (!shapes_equal(a.shape(), b.shape())) {
        throw std::invalid_argument("max_abs_diff: a and b must have the same shape; got a " +
                                    shape_string(a) + ", b " + shape_string(b));
    }
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double diff = std::abs(a.data()[i] - b.data()[i]);
        if (std::isnan(diff)) return diff;
        if (diff > worst) worst = diff;
    }
    return worst;
}

double max_or_nan(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    return a < b ? b : a;
}

}  // namespace tapegrad
