#pragma once
/// max_abs_diff: how far apart two arrays are, with no NaN let through.
///
/// One function for the case tool (case_result.cpp) and the tests (tests/test_helpers.hpp).
/// It belongs in engine/core/array.hpp, beside shape_string; it lives here until the engine
/// takes it (the walkthrough, which uses the engine and ops only, keeps a copy until then).

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>

#include "engine/core/array.hpp"

namespace tapegrad {

/// The larger of a and b, NaN when either is NaN. (std::max(0.0, NaN) is 0: a NaN passed as
/// the second argument would vanish, and a broken result would read as agreement.)
inline double max_or_nan(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    return a < b ? b : a;
}

/// The largest |a[k] - b[k]| over all elements of two arrays of the same shape; 0 for empty
/// arrays. A NaN anywhere (in a, in b, or inf - inf) gives NaN, whatever follows it.
/// Throws std::invalid_argument naming both shapes when they differ.
inline double max_abs_diff(const Array& a, const Array& b) {
    if (!shapes_equal(a.shape(), b.shape())) {
        throw std::invalid_argument("max_abs_diff: a and b must have the same shape; got a " +
                                    shape_string(a) + ", b " + shape_string(b));
    }
    double worst = 0.0;
    for (std::size_t k = 0; k < a.size(); ++k)
        worst = max_or_nan(worst, std::abs(a.data()[k] - b.data()[k]));
    return worst;
}

}  // namespace tapegrad
