#include "engine/core/array.hpp"

#include <limits>

#include <boost/test/data/test_case.hpp>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_array)

using namespace tapegrad;

BOOST_AUTO_TEST_CASE(shape_string_lists_the_extents) {
    BOOST_TEST(shape_string(Array{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}) == "[3, 2]");
    BOOST_TEST(shape_string(Array{1.0, 2.0}) == "[2]");
    const Array scalar = 1.5;  // 0-d
    BOOST_TEST(shape_string(scalar) == "[]");
}

BOOST_AUTO_TEST_CASE(shapes_equal_compares_extents_not_container_types) {
    const std::vector<std::size_t> v{3, 2};
    const std::array<std::size_t, 2> a{3, 2};
    BOOST_TEST(shapes_equal(v, a));
    BOOST_TEST(!shapes_equal(v, std::array<std::size_t, 2>{2, 3}));
    BOOST_TEST(!shapes_equal(v, std::vector<std::size_t>{3, 2, 1}));
}

// The guide's way to build a one-column matrix (brace-initialising it is ambiguous).
BOOST_AUTO_TEST_CASE(a_one_column_matrix_is_built_from_its_shape) {
    Array X = Array::from_shape({2, 1});  // [2, 1]
    X(0, 0) = 1.0;
    X(1, 0) = 2.0;
    BOOST_TEST(shape_string(X) == "[2, 1]");
    BOOST_TEST(X(1, 0) == 2.0);
}

// ---- max_abs_diff: the largest |a - b|, with a NaN anywhere reported as NaN (a std::max
// version let it pass as agreement) ----

namespace bdata = boost::unit_test::data;

const double nan = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

BOOST_AUTO_TEST_CASE(is_the_largest_elementwise_difference) {
    const Array a = {{1.0, -2.0}, {3.0, 4.0}};   // [2, 2]
    const Array b = {{1.5, -2.0}, {0.5, 4.25}};  // [2, 2]
    BOOST_TEST(max_abs_diff(a, b) == 2.5);       // |3 - 0.5|, exact in binary
    BOOST_TEST(max_abs_diff(b, a) == 2.5);
    BOOST_TEST(max_abs_diff(a, a) == 0.0);
}

BOOST_AUTO_TEST_CASE(empty_and_scalar_arrays) {
    const Array empty = xt::zeros<double>({0});  // [0]
    BOOST_TEST(max_abs_diff(empty, empty) == 0.0);
    const Array x = 1.25;  // []
    const Array y = -0.5;  // []
    BOOST_TEST(max_abs_diff(x, y) == 1.75);
}

// A NaN in a or in b, first, in the middle or last, among finite differences larger and
// smaller than 1: the result is NaN every time. (The tests' former helper lost a NaN that
// was followed by another element; std::max(m, NaN) loses it anywhere.)
// (Listed values, not bdata::xrange: GCC 12 warns, as an error in CI, that xrange's iterator
// may be used uninitialised when built with the sanitizers.)
BOOST_DATA_TEST_CASE(a_nan_anywhere_gives_nan,
                     bdata::make({0, 1, 2, 3, 4}) * bdata::make({false, true}), position, in_b) {
    Array a = {0.5, 3.0, -1.0, 2.0, 0.25};  // [5]
    Array b = {0.0, 1.0, -1.5, 4.0, 0.0};   // [5]
    (in_b ? b : a)(static_cast<std::size_t>(position)) = nan;
    BOOST_TEST(std::isnan(max_abs_diff(a, b)), "NaN at " << position << (in_b ? " in b" : " in a"));
    BOOST_TEST(std::isnan(max_abs_diff(b, a)));
}

BOOST_AUTO_TEST_CASE(infinities_give_inf_or_nan) {
    BOOST_TEST(max_abs_diff(Array{1.0, inf}, Array{1.0, 2.0}) == inf);
    BOOST_TEST(std::isnan(max_abs_diff(Array{inf, 1.0}, Array{inf, 2.0})));  // inf - inf
    BOOST_TEST(max_abs_diff(Array{1e308, 0.0}, Array{-1e308, 0.0}) == inf);  // overflows
}

BOOST_AUTO_TEST_CASE(max_or_nan_keeps_a_nan_in_either_place) {
    BOOST_TEST(max_or_nan(1.0, 2.0) == 2.0);
    BOOST_TEST(max_or_nan(2.0, 1.0) == 2.0);
    BOOST_TEST(std::isnan(max_or_nan(0.0, nan)));  // std::max(0.0, nan) is 0.0
    BOOST_TEST(std::isnan(max_or_nan(nan, 0.0)));
    BOOST_TEST(std::isnan(max_or_nan(nan, nan)));
}

BOOST_AUTO_TEST_CASE(different_shapes_are_refused_naming_both) {
    test::check_invalid_argument(
        [] {
            max_abs_diff(Array{1.0, 2.0, 3.0}, Array{{1.0, 2.0, 3.0}});
        },
        {"max_abs_diff", "a [3]", "b [1, 3]"});
    test::check_invalid_argument(
        [] {
            max_abs_diff(Array{1.0, 2.0}, Array{1.0, 2.0, 3.0});
        },
        {"a [2]", "b [3]"});
}

BOOST_AUTO_TEST_SUITE_END()
