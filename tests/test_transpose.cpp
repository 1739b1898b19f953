#include "ops/transpose.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_transpose)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_of_a_matrix_is_its_transpose) {
    const Array x{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};  // [2, 3]
    const Array y = forward_of(Transpose{0, 1}, std::array<Array, 1>{x});
    BOOST_TEST(y == (Array{{1.0, 4.0}, {2.0, 5.0}, {3.0, 6.0}}), tt::per_element());
}

// [B, T, H, D] -> [B, H, T, D]: y(b, h, t, d) = x(b, t, h, d) for every index.
BOOST_AUTO_TEST_CASE(forward_swaps_the_middle_axes_of_a_rank_4_array) {
    const Array x = random_array({2, 3, 4, 5}, 1);  // [B, T, H, D]
    const Array y = forward_of(Transpose{1, 2}, std::array<Array, 1>{x});
    BOOST_TEST(shape_string(y) == "[2, 4, 3, 5]");
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t t = 0; t < 3; ++t)
            for (std::size_t h = 0; h < 4; ++h)
                for (std::size_t d = 0; d < 5; ++d) BOOST_TEST(y(b, h, t, d) == x(b, t, h, d));
    // The axes in either order, and around other axes: y(d, t, h, b) = x(b, t, h, d).
    const Array z = forward_of(Transpose{3, 0}, std::array<Array, 1>{x});
    BOOST_TEST(shape_string(z) == "[5, 3, 4, 2]");
    BOOST_TEST(z(4, 2, 1, 0) == x(0, 2, 1, 4));
    BOOST_TEST(z(1, 0, 3, 1) == x(1, 0, 3, 1));
}

// L = sum w y: dL/dx(b, t, h, d) = w(b, h, t, d), exactly.
BOOST_AUTO_TEST_CASE(backward_swaps_the_gradient_back) {
    const Array x = random_array({2, 3, 4, 2}, 2);  // [2, 3, 4, 2]
    const Array w = random_array({2, 4, 3, 2}, 3);  // [2, 4, 3, 2]
    const Array grad_x = gradients_of(Transpose{1, 2}, std::array<Array, 1>{x}, w)[0];
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t t = 0; t < 3; ++t)
            for (std::size_t h = 0; h < 4; ++h)
                for (std::size_t d = 0; d < 2; ++d) BOOST_TEST(grad_x(b, t, h, d) == w(b, h, t, d));
    check_against_finite_differences(Transpose{1, 2}, std::array<Array, 1>{x}, w);
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({0u, 1u, 2u}), axis) {
    const GradcheckReport r = gradcheck_op(Transpose{axis, 2}, random_array({2, 3, 4}, 4 + axis));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(an_axis_out_of_range_throws_naming_the_op_the_axes_and_the_shape) {
    check_invalid_argument(
        [] {
            forward_of(Transpose{1, 3}, std::array<Array, 1>{Array(xt::zeros<double>({2, 3, 4}))});
        },
        {"Transpose", "axes 1 and 3", "x [2, 3, 4]"});
}

BOOST_AUTO_TEST_SUITE_END()
