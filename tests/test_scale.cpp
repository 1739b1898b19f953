#include "ops/scale.hpp"

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_scale)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(forward_multiplies_by_the_constant) {
    const Array y = forward_of(Scale{0.5}, std::array<Array, 1>{Array{{2.0, -3.0}, {1.0, 0.0}}});
    BOOST_TEST(y == (Array{{1.0, -1.5}, {0.5, 0.0}}), tt::per_element());
}

// L = sum w y: dL/dx = c w.
BOOST_AUTO_TEST_CASE(backward_matches_closed_form_and_finite_differences) {
    const double c = -0.35355339059327373;       // -1/sqrt(8)
    const Array x = random_array({2, 3, 4}, 1);  // [2, 3, 4]
    const Array w = random_array({2, 3, 4}, 2);  // [2, 3, 4]
    const Array expected = c * w;                // [2, 3, 4]
    BOOST_TEST(gradients_of(Scale{c}, std::array<Array, 1>{x}, w)[0] == expected,
               tt::tolerance(exact_tol) << tt::per_element());
    check_against_finite_differences(Scale{c}, std::array<Array, 1>{x}, w);
}

BOOST_AUTO_TEST_CASE(gradcheck_passes) {
    const GradcheckReport r = gradcheck_op(Scale{2.5}, random_array({3, 4}, 3));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_SUITE_END()
