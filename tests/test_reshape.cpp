#include "ops/reshape.hpp"

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_reshape)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(forward_keeps_the_row_major_order) {
    const Array x{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};  // [2, 3]
    const Array y = forward_of(Reshape{{3, 2}}, std::array<Array, 1>{x});
    BOOST_TEST(shape_string(y) == "[3, 2]");
    BOOST_TEST(y == (Array{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}), tt::per_element());
    const Array flat = forward_of(Reshape{{6}}, std::array<Array, 1>{x});
    BOOST_TEST(flat == (Array{1.0, 2.0, 3.0, 4.0, 5.0, 6.0}), tt::per_element());
}

// L = sum w y: dL/dx is w read in x's shape, element for element (no arithmetic: exact).
BOOST_AUTO_TEST_CASE(backward_is_the_incoming_gradient_in_the_input_shape) {
    const Array x = random_array({2, 3, 4}, 1);  // [2, 3, 4]
    const Array w = random_array({4, 6}, 2);     // [4, 6]
    const Array grad_x = gradients_of(Reshape{{4, 6}}, std::array<Array, 1>{x}, w)[0];
    BOOST_TEST(shape_string(grad_x) == "[2, 3, 4]");
    for (std::size_t i = 0; i < w.size(); ++i) BOOST_TEST(grad_x.data()[i] == w.data()[i]);
    check_against_finite_differences(Reshape{{4, 6}}, std::array<Array, 1>{x}, w);
}

BOOST_AUTO_TEST_CASE(gradcheck_passes) {
    const GradcheckReport r = gradcheck_op(Reshape{{2, 3, 2}}, random_array({3, 4}, 3));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(another_element_count_throws_naming_the_op_and_both_shapes) {
    check_invalid_argument(
        [] {
            forward_of(Reshape{{4, 5}}, std::array<Array, 1>{Array(xt::zeros<double>({2, 3}))});
        },
        {"Reshape", "x [2, 3]", "6 elements", "[4, 5]", "20"});
}

BOOST_AUTO_TEST_SUITE_END()
