#include "ops/cross_entropy.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "ops/linear.hpp"
#include "ops/softmax.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_cross_entropy)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_is_minus_log_of_the_target_probability) {
    Tape tape;
    Tensor p = Tensor::parameter(Array{0.25, 0.5, 0.25}, "p");
    BOOST_TEST(cross_entropy(tape, p, {1}).value()() == std::log(2.0), tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(forward_of_a_batch_is_the_mean_over_rows) {
    Tape tape;
    Tensor p = Tensor::parameter(Array{{0.5, 0.5}, {0.25, 0.75}}, "p");
    const double expected = (std::log(2.0) + std::log(4.0)) / 2.0;
    BOOST_TEST(cross_entropy(tape, p, {0, 0}).value()() == expected, tt::tolerance(exact_tol));
}

// dL/dp[r, t_r] = -1 / (B p[r, t_r]), zero elsewhere.
BOOST_DATA_TEST_CASE(backward_matches_closed_form_and_finite_differences, bdata::make({1u, 2u}),
                     seed) {
    const std::size_t B = 3, V = 4;
    const Array p0 = random_array({B, V}, seed, 0.1, 1.0);  // any positive numbers
    const std::vector<std::size_t> targets{2, 0, 3};
    Tape tape;
    Tensor p = Tensor::parameter(p0, "p");
    tape.backward(cross_entropy(tape, p, targets));

    Array closed_form = xt::zeros<double>({B, V});  // [B, V]
    for (std::size_t r = 0; r < B; ++r) closed_form(r, targets[r]) = -1.0 / (B * p0(r, targets[r]));
    BOOST_TEST(max_abs_diff(p.grad(), closed_form) < exact_tol);

    auto loss_of = [&](const Array& pv) {
        Tape t;
        return cross_entropy(t, Tensor::parameter(pv, "p"), targets).value()();
    };
    BOOST_TEST(max_abs_diff(p.grad(), finite_difference(loss_of, p0)) < fd_tol);
}

BOOST_AUTO_TEST_CASE(after_softmax_the_gradient_is_p_minus_y) {
    // The card's three-node graph: the softmax Jacobian turns -1/p_t into p - y.
    Tape tape;
    Tensor z = Tensor::parameter(Array{2.0, 1.0, 0.1}, "z");
    tape.backward(cross_entropy(tape, softmax(tape, z), {0}));
    const Array p = tapegrad::softmax(Array{2.0, 1.0, 0.1});
    const Array expected = p - Array{1.0, 0.0, 0.0};  // [3]
    BOOST_TEST(max_abs_diff(z.grad(), expected) < exact_tol);
}

BOOST_AUTO_TEST_CASE(bad_targets_and_shapes_throw_naming_the_op_and_the_shapes) {
    Tape tape;
    Tensor p = Tensor::parameter(Array{{0.5, 0.5}, {0.25, 0.75}}, "p");
    check_invalid_argument(
        [&] {
            cross_entropy(tape, p, {0, 2});
        },
        {"CrossEntropy", "target 2", "[0, 2)", "[2, 2]"});
    check_invalid_argument([&] { cross_entropy(tape, p, {0}); },
                           {"CrossEntropy", "[2, 2]", "2 row(s)", "1 target(s)"});
    check_invalid_argument(
        [&] { cross_entropy(tape, Tensor::parameter(Array(xt::zeros<double>({0})), "p"), {}); },
        {"CrossEntropy", "[0]"});
    BOOST_TEST(tape.size() == 0u);
}

// gradcheck on probabilities away from 0 (where -log p and its slope -1/p blow up).
BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u}), seed) {
    const Array p0 = random_array({3, 4}, seed, 0.1, 0.9);  // [3, 4]
    const GradcheckReport r = gradcheck_op(CrossEntropy{{2, 0, 3}}, p0);
    BOOST_TEST(r.passed(), r.summary());
}

// Probabilities of any rank, rows flattened; target -100 (torch's default) is skipped and the
// mean is over the rest: L = -(1/2) (log 0.25 + log 0.5).
BOOST_AUTO_TEST_CASE(rank3_with_ignored_positions) {
    const Array p0{{{0.5, 0.25, 0.25}, {0.2, 0.2, 0.6}}, {{0.1, 0.4, 0.5}, {0.3, 0.3, 0.4}}};
    Tape tape;
    Tensor p = Tensor::parameter(p0, "p");  // [2, 2, 3]
    Tensor loss = cross_entropy(tape, p, {1, -100, 2, -100});
    BOOST_TEST(loss.value()() == -(std::log(0.25) + std::log(0.5)) / 2.0, tt::tolerance(exact_tol));
    tape.backward(loss);
    Array expected = xt::zeros<double>({2, 2, 3});  // [2, 2, 3]
    expected(0, 0, 1) = -1.0 / (2.0 * 0.25);
    expected(1, 0, 2) = -1.0 / (2.0 * 0.5);
    BOOST_TEST(p.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(all_positions_ignored_give_a_nan_loss_and_a_zero_gradient) {
    Tape tape;
    Tensor p = Tensor::parameter(Array{{0.5, 0.5}, {0.25, 0.75}}, "p");
    Tensor loss = cross_entropy(tape, p, {-100, -100});
    BOOST_TEST(std::isnan(loss.value()()));
    tape.backward(loss);
    BOOST_TEST(p.grad() == (Array{{0.0, 0.0}, {0.0, 0.0}}), tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes_at_rank3_with_ignored_rows, bdata::make({1u, 2u}), seed) {
    const Array p0 = random_array({2, 2, 4}, seed, 0.1, 0.9);                   // [2, 2, 4]
    const GradcheckReport r = gradcheck_op(CrossEntropy{{2, 7, 0, 3}, 7}, p0);  // 7: ignored
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(a_negative_target_that_is_not_ignore_index_throws) {
    Tape tape;
    Tensor p = Tensor::parameter(Array{{0.5, 0.5}, {0.25, 0.75}}, "p");
    check_invalid_argument(
        [&] {
            cross_entropy(tape, p, {-2, 0});
        },
        {"CrossEntropy", "target -2", "row 0", "[0, 2)", "[2, 2]"});
}

BOOST_AUTO_TEST_SUITE_END()
