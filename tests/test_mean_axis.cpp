#include "ops/mean_axis.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"
#include "ops/mul.hpp"

BOOST_AUTO_TEST_SUITE(test_mean_axis)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

const Array x0{{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}},
               {{-1.0, 0.5}, {0.25, 2.0}, {8.0, -3.0}}};  // [2, 3, 2]

BOOST_AUTO_TEST_CASE(forward_averages_over_the_axis_and_drops_it) {
    BOOST_TEST(forward_of(MeanAxis{0}, std::array<Array, 1>{x0}) ==
                   (Array{{0.0, 1.25}, {1.625, 3.0}, {6.5, 1.5}}),
               tt::per_element());
    BOOST_TEST(forward_of(MeanAxis{1}, std::array<Array, 1>{x0}) ==
                   (Array{{3.0, 4.0}, {7.25 / 3.0, -0.5 / 3.0}}),
               tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(forward_of(MeanAxis{2}, std::array<Array, 1>{x0}) ==
                   (Array{{1.5, 3.5, 5.5}, {-0.25, 1.125, 2.5}}),
               tt::per_element());
}

// L = sum w y: dL/dx[a, j, c] = w[a, c] / n for every j.
BOOST_DATA_TEST_CASE(backward_spreads_the_gradient_over_the_axis_divided_by_n,
                     bdata::make({0u, 1u, 2u}), axis) {
    Shape y_shape{2, 3, 4};
    y_shape.erase(y_shape.begin() + axis);
    const Array x = random_array({2, 3, 4}, 1 + axis);  // [2, 3, 4]
    const Array w = random_array(y_shape, 5 + axis);    // x's shape without the axis
    const Array grad_x = gradients_of(MeanAxis{axis}, std::array<Array, 1>{x}, w)[0];
    for (std::size_t a = 0; a < 2; ++a)
        for (std::size_t b = 0; b < 3; ++b)
            for (std::size_t c = 0; c < 4; ++c) {
                const double expected = axis == 0 ? w(b, c) : (axis == 1 ? w(a, c) : w(a, b));
                const double n = axis == 0 ? 2.0 : (axis == 1 ? 3.0 : 4.0);
                BOOST_TEST(grad_x(a, b, c) == expected / n, tt::tolerance(exact_tol));
            }
    check_against_finite_differences(MeanAxis{axis}, std::array<Array, 1>{x}, w);
}

BOOST_AUTO_TEST_CASE(gradcheck_passes) {
    // On its own every element along the axis gets one gradient: gradcheck would call it
    // inconclusive. Squaring first makes the gradient 2 x w, distinct everywhere.
    const GradcheckReport r = gradcheck(
        [](Tape& tape, const std::vector<Tensor>& p) {
            return mean_axis(tape, tape.apply(Mul{}, p[0], p[0]), 1);
        },
        {random_array({2, 3, 4}, 9)});
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(a_missing_or_empty_axis_throws_naming_the_op_the_axis_and_the_shape) {
    check_invalid_argument(
        [] {
            forward_of(MeanAxis{2}, std::array<Array, 1>{Array(xt::zeros<double>({2, 3}))});
        },
        {"MeanAxis", "axis 2", "x [2, 3]"});
    check_invalid_argument(
        [] {
            forward_of(MeanAxis{1}, std::array<Array, 1>{Array(xt::zeros<double>({2, 0}))});
        },
        {"MeanAxis", "axis 1", "no elements", "x [2, 0]"});
}

BOOST_AUTO_TEST_SUITE_END()
