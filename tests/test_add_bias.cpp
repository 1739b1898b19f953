#include "ops/add_bias.hpp"

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_add_bias)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(forward_adds_a_vector_to_every_row) {
    const Array x{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};  // [2, 3]
    const Array b{0.5, -1.0, 10.0};                   // [3]
    BOOST_TEST(forward_of(AddBias{}, std::array<Array, 2>{x, b}) ==
                   (Array{{1.5, 1.0, 13.0}, {4.5, 4.0, 16.0}}),
               tt::per_element());
}

// Position embeddings: wpe [T, C] added to every sequence of x [B, T, C].
BOOST_AUTO_TEST_CASE(forward_adds_a_matrix_to_every_leading_index) {
    const Array x{{{1.0, 2.0}, {3.0, 4.0}}, {{5.0, 6.0}, {7.0, 8.0}}};  // [B, T, C] = [2, 2, 2]
    const Array wpe{{0.5, 0.25}, {-1.0, -2.0}};                         // [T, C]
    BOOST_TEST(forward_of(AddBias{}, std::array<Array, 2>{x, wpe}) ==
                   (Array{{{1.5, 2.25}, {2.0, 2.0}}, {{5.5, 6.25}, {6.0, 6.0}}}),
               tt::per_element());
}

// L = sum w y: dL/dx = w, dL/db[s] = sum over the leading indices r of w[r, s].
BOOST_AUTO_TEST_CASE(backward_matches_closed_form_and_finite_differences) {
    const Array x = random_array({2, 3, 4}, 1);  // [B, T, C]
    const Array b = random_array({3, 4}, 2);     // [T, C]
    const Array w = random_array({2, 3, 4}, 3);  // [B, T, C]
    const std::array<Array, 2> g = gradients_of(AddBias{}, std::array<Array, 2>{x, b}, w);
    BOOST_TEST(g[0] == w, tt::per_element());
    Array expected_b(b.shape());  // [T, C]
    for (std::size_t t = 0; t < 3; ++t)
        for (std::size_t c = 0; c < 4; ++c) expected_b(t, c) = w(0, t, c) + w(1, t, c);
    BOOST_TEST(g[1] == expected_b, tt::tolerance(exact_tol) << tt::per_element());
    check_against_finite_differences(AddBias{}, std::array<Array, 2>{x, b}, w);
}

BOOST_AUTO_TEST_CASE(gradcheck_passes_for_a_vector_and_a_matrix_bias) {
    // dL/dx = w on its own is fine for gradcheck (w is distinct everywhere).
    const GradcheckReport vector_bias =
        gradcheck_op(AddBias{}, random_array({2, 3, 4}, 4), random_array({4}, 5));
    BOOST_TEST(vector_bias.passed(), vector_bias.summary());
    const GradcheckReport matrix_bias =
        gradcheck_op(AddBias{}, random_array({2, 3, 4}, 6), random_array({3, 4}, 7));
    BOOST_TEST(matrix_bias.passed(), matrix_bias.summary());
}

BOOST_AUTO_TEST_CASE(a_bias_that_is_not_a_suffix_throws_naming_the_op_and_both_shapes) {
    const Array x = xt::zeros<double>({2, 3, 4});  // [2, 3, 4]
    check_invalid_argument(
        [&] {
            forward_of(AddBias{}, std::array<Array, 2>{x, Array(xt::zeros<double>({3}))});
        },
        {"AddBias", "x [2, 3, 4]", "b [3]"});
    check_invalid_argument(
        [&] {
            forward_of(AddBias{}, std::array<Array, 2>{x, Array(xt::zeros<double>({1, 2, 3, 4}))});
        },
        {"AddBias", "x [2, 3, 4]", "b [1, 2, 3, 4]"});
}

BOOST_AUTO_TEST_SUITE_END()
