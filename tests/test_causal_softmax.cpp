#include "ops/causal_softmax.hpp"

#include <cmath>
#include <limits>

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_causal_softmax)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    // Row 0 sees only itself; row 1 columns 0, 1: softmax(1, 2); row 2 all: softmax(0, 0, ln 2).
    const Array S{{5.0, 100.0, -3.0}, {1.0, 2.0, 7.0}, {0.0, 0.0, std::log(2.0)}};  // [3, 3]
    const Array P = forward_of(CausalSoftmax{}, std::array<Array, 1>{S});
    const double e = std::exp(1.0);
    const Array expected{{1.0, 0.0, 0.0}, {1.0 / (1.0 + e), e / (1.0 + e), 0.0}, {0.25, 0.25, 0.5}};
    BOOST_TEST(P == expected, tt::tolerance(exact_tol) << tt::per_element());
    // The masked entries are exact zeros, not tiny numbers.
    BOOST_TEST(P(0, 1) == 0.0);
    BOOST_TEST(P(0, 2) == 0.0);
    BOOST_TEST(P(1, 2) == 0.0);
}

// Masked scores are never read: changing them (even to NaN) changes nothing.
BOOST_AUTO_TEST_CASE(masked_scores_are_never_read) {
    const Array S = random_array({2, 4, 4}, 1, -2.0, 2.0);  // [2, T, T]
    Array poisoned = S;                                     // [2, T, T]
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t i = 0; i < 4; ++i)
            for (std::size_t j = i + 1; j < 4; ++j)
                poisoned(b, i, j) = std::numeric_limits<double>::quiet_NaN();
    const Array P = forward_of(CausalSoftmax{}, std::array<Array, 1>{S});
    BOOST_TEST(forward_of(CausalSoftmax{}, std::array<Array, 1>{poisoned}) == P, tt::per_element());
}

// L = sum w P: dL/dS[i, j] = P[i, j] (w[i, j] - sum_{k <= i} P[i, k] w[i, k]) for j <= i, else 0.
BOOST_DATA_TEST_CASE(backward_matches_closed_form_and_finite_differences, bdata::make({1u, 2u, 3u}),
                     seed) {
    const std::size_t T = 5;
    const Array S = random_array({2, 3, T, T}, seed, -3.0, 3.0);  // [B, H, T, T]
    const Array w = random_array({2, 3, T, T}, seed + 10);        // [B, H, T, T]
    const Array P = forward_of(CausalSoftmax{}, std::array<Array, 1>{S});
    const Array grad_S = gradients_of(CausalSoftmax{}, std::array<Array, 1>{S}, w)[0];
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t h = 0; h < 3; ++h)
            for (std::size_t i = 0; i < T; ++i) {
                double p_dot_w = 0.0;
                for (std::size_t k = 0; k <= i; ++k) p_dot_w += P(b, h, i, k) * w(b, h, i, k);
                for (std::size_t j = 0; j < T; ++j) {
                    if (j > i) {
                        BOOST_TEST(grad_S(b, h, i, j) == 0.0);  // exactly
                    } else {
                        const double expected = P(b, h, i, j) * (w(b, h, i, j) - p_dot_w);
                        BOOST_TEST(grad_S(b, h, i, j) == expected, tt::tolerance(exact_tol));
                    }
                }
            }
    check_against_finite_differences(CausalSoftmax{}, std::array<Array, 1>{S}, w);
}

// The masked part has no gradient at all (both analytic and numeric are 0 there), so
// gradcheck would call a scores input inconclusive only if a whole input were zero: it isn't.
BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r =
        gradcheck_op(CausalSoftmax{}, random_array({2, 4, 4}, seed + 20, -2.0, 2.0));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(large_scores_stay_finite) {
    const Array S{{1000.0, 0.0}, {-1000.0, 1000.0}};  // [2, 2]
    const Array P = forward_of(CausalSoftmax{}, std::array<Array, 1>{S});
    BOOST_TEST(P == (Array{{1.0, 0.0}, {0.0, 1.0}}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(non_square_or_rank_1_scores_throw_naming_the_op_and_the_shape) {
    check_invalid_argument(
        [] {
            forward_of(CausalSoftmax{}, std::array<Array, 1>{Array(xt::zeros<double>({2, 3, 4}))});
        },
        {"CausalSoftmax", "S [2, 3, 4]"});
    check_invalid_argument(
        [] {
            forward_of(CausalSoftmax{}, std::array<Array, 1>{Array{1.0, 2.0}});
        },
        {"CausalSoftmax", "S [2]"});
    check_invalid_argument(
        [] {
            forward_of(CausalSoftmax{}, std::array<Array, 1>{Array(xt::zeros<double>({2, 0, 0}))});
        },
        {"CausalSoftmax", "S [2, 0, 0]"});
}

BOOST_AUTO_TEST_SUITE_END()
