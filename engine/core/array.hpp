#pragma once
/// The one place that names tapegrad's array type.
///
/// Values and gradients are dynamic-rank xtensor arrays of double, row-major and contiguous,
/// so every matrix can go to BLAS as it is.

#include <string>

#include <xtensor/xarray.hpp>

namespace tapegrad {

using Array = xt::xarray<double>;
using Shape = Array::shape_type;

/// "[3, 2]" for a 3 x 2 array, "[]" for a scalar; used in every error message.
std::string shape_string(const Shape& shape);
inline std::string shape_string(const Array& a) {
    return shape_string(a.shape());
}

/// Flat index of the first NaN or infinity in `a`, or a.size() when every element is finite.
std::size_t first_non_finite(const Array& a);

/// The largest |a - b| over all elements; NaN when any difference is NaN (a NaN never hides
/// behind a smaller finite difference). Throws std::invalid_argument naming both shapes when
/// they differ. The one comparison the tests, the checks and the programs use.
double max_abs_diff(const Array& a, const Array& b);

/// The larger of a and b, NaN when either is NaN. (std::max(0.0, NaN) is 0: a NaN passed as
/// the second argument would vanish, and a broken result would read as agreement.)
double max_or_nan(double a, double b);

/// True when two shapes hold the same extents (they may be of different container types).
template <class S1, class S2>
bool shapes_equal(const S1& a, const S2& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace tapegrad
