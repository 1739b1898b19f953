#include "ops/softmax_cross_entropy.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/softmax.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_softmax_cross_entropy)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_matches_bsp_1) {
    // L = log(e^2 + e^1 + e^0.1) - 2 = -log 0.6590 = 0.417 on the slide.
    Tape tape;
    Tensor z = Tensor::parameter(Array{2.0, 1.0, 0.1}, "z");
    const double expected = std::log(std::exp(2.0) + std::exp(1.0) + std::exp(0.1)) - 2.0;
    const double loss = softmax_cross_entropy(tape, z, {0}).value()();
    BOOST_TEST(loss == expected, tt::tolerance(exact_tol));
    BOOST_TEST(std::abs(loss - 0.417) <= 5e-4);  // the slide prints 3 decimals
}

BOOST_DATA_TEST_CASE(forward_and_backward_equal_the_three_node_graph, bdata::make({1u, 2u, 3u}),
                     seed) {
    const std::size_t B = 4, V = 5;
    const Array z0 = random_array({B, V}, seed, -4.0, 4.0);
    const std::vector<std::size_t> targets{0, 4, 2, 2};
    Tape fused_tape, three_node_tape;
    Tensor z_fused = Tensor::parameter(z0, "z");
    Tensor z_three = Tensor::parameter(z0, "z");
    Tensor fused = softmax_cross_entropy(fused_tape, z_fused, targets);
    Tensor three = cross_entropy(three_node_tape, softmax(three_node_tape, z_three), targets);
    BOOST_TEST(fused.value()() == three.value()(), tt::tolerance(exact_tol));
    fused_tape.backward(fused);
    three_node_tape.backward(three);
    BOOST_TEST(max_abs_diff(z_fused.grad(), z_three.grad()) < exact_tol);
}

// dL/dz = (p - y) / B.
BOOST_DATA_TEST_CASE(backward_matches_closed_form_and_finite_differences, bdata::make({1u, 2u}),
                     seed) {
    const std::size_t B = 3, V = 4;
    const Array z0 = random_array({B, V}, seed, -3.0, 3.0);
    const std::vector<std::size_t> targets{1, 3, 0};
    Tape tape;
    Tensor z = Tensor::parameter(z0, "z");
    tape.backward(softmax_cross_entropy(tape, z, targets));

    Array closed_form = tapegrad::softmax(z0);  // p  [B, V]
    for (std::size_t r = 0; r < B; ++r) closed_form(r, targets[r]) -= 1.0;
    closed_form /= static_cast<double>(B);
    BOOST_TEST(max_abs_diff(z.grad(), closed_form) < exact_tol);

    auto loss_of = [&](const Array& zv) {
        Tape t;
        return softmax_cross_entropy(t, Tensor::parameter(zv, "z"), targets).value()();
    };
    BOOST_TEST(max_abs_diff(z.grad(), finite_difference(loss_of, z0)) < fd_tol);
}

BOOST_AUTO_TEST_CASE(logits_of_plus_minus_1000_give_a_finite_exact_loss_and_gradient) {
    // p = [1/(1+e^-1), e^-1/(1+e^-1), e^-2000/...] ; the third underflows to 0 in p, so the
    // three-node graph would give L = inf for target 2. The fused form stays exact:
    // L = log(1 + e^-1 + e^-2000) + 1000 - (-1000) = 2000 + log(1 + e^-1).
    Tape tape;
    Tensor z = Tensor::parameter(Array{1000.0, 999.0, -1000.0}, "z");
    Tensor loss = softmax_cross_entropy(tape, z, {2});
    BOOST_TEST(loss.value()() == 2000.0 + std::log1p(std::exp(-1.0)), tt::tolerance(exact_tol));
    tape.backward(loss);
    const double e = std::exp(-1.0);
    const Array expected{1.0 / (1.0 + e), e / (1.0 + e), -1.0};  // p - y
    BOOST_TEST(max_abs_diff(z.grad(), expected) < exact_tol);
}

BOOST_AUTO_TEST_CASE(very_negative_logits_give_a_finite_exact_loss_and_gradient) {
    // e^-800 underflows to 0 in double: a softmax without the maximum subtracted would
    // divide 0 by 0. Shifted by 795 these are the logits -5 ... 5.
    Array z0 = xt::zeros<double>({11});  // [11]
    Array shifted = xt::zeros<double>({11});
    for (std::size_t i = 0; i < 11; ++i) {
        z0(i) = -800.0 + static_cast<double>(i);
        shifted(i) = -5.0 + static_cast<double>(i);
    }
    Tape tape, reference_tape;
    Tensor z = Tensor::parameter(z0, "z");
    Tensor reference = Tensor::parameter(shifted, "z_shifted");
    Tensor loss = softmax_cross_entropy(tape, z, {3});
    Tensor reference_loss = softmax_cross_entropy(reference_tape, reference, {3});
    BOOST_TEST(std::isfinite(loss.value()()));
    // Softmax is shift-invariant, so both must agree exactly (up to rounding).
    BOOST_TEST(loss.value()() == reference_loss.value()(), tt::tolerance(exact_tol));
    tape.backward(loss);
    reference_tape.backward(reference_loss);
    BOOST_TEST(max_abs_diff(z.grad(), reference.grad()) < exact_tol);
}

BOOST_AUTO_TEST_CASE(bad_targets_and_shapes_throw_naming_the_op_and_the_shapes) {
    Tape tape;
    Tensor z = Tensor::parameter(Array{{1.0, 2.0, 3.0}}, "z");
    check_invalid_argument([&] { softmax_cross_entropy(tape, z, {3}); },
                           {"SoftmaxCrossEntropy", "target 3", "[0, 3)", "[1, 3]"});
    check_invalid_argument(
        [&] {
            softmax_cross_entropy(tape, z, {0, 1});
        },
        {"SoftmaxCrossEntropy", "[1, 3]", "2 target(s)"});
    check_invalid_argument(
        [&] {
            softmax_cross_entropy(tape, Tensor::parameter(Array(xt::zeros<double>({2, 0})), "z"),
                                  {0, 0});
        },
        {"SoftmaxCrossEntropy", "[2, 0]"});
    BOOST_TEST(tape.size() == 0u);
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const Array z0 = random_array({4, 5}, seed, -3.0, 3.0);  // [4, 5]
    const GradcheckReport r = gradcheck_op(SoftmaxCrossEntropy{{4, 0, 2, 2}}, z0);
    BOOST_TEST(r.passed(), r.summary());
    const GradcheckReport one = gradcheck_op(SoftmaxCrossEntropy{{1}}, Array{2.0, 1.0, 0.1});
    BOOST_TEST(one.passed(), one.summary());
}

BOOST_AUTO_TEST_CASE(a_replayed_step_reuses_the_saved_exponentials_and_stays_exact) {
    // Forward saves e^(z - m) for backward; after rewind() the next recording takes over that
    // buffer (its `saved` state) and must still give the closed form for the new logits (a stale
    // buffer would give the previous step's gradient).
    const std::size_t B = 2, V = 5;
    const std::vector<std::size_t> targets{4, 0};
    Tape tape;
    Tensor z = Tensor::parameter(random_array({B, V}, 3, -2.0, 2.0), "z");
    for (unsigned step = 0; step < 3; ++step) {
        tape.rewind();
        z.value() = random_array({B, V}, 10 + step, -2.0, 2.0);  // new logits, same shape
        z.zero_grad();
        tape.backward(softmax_cross_entropy(tape, z, targets));
        Array closed_form = tapegrad::softmax(z.value());  // p  [B, V]
        for (std::size_t r = 0; r < B; ++r) closed_form(r, targets[r]) -= 1.0;
        closed_form /= static_cast<double>(B);
        BOOST_TEST(max_abs_diff(z.grad(), closed_form) < exact_tol, "step " << step);
    }
}

BOOST_AUTO_TEST_CASE(a_replayed_step_keeps_the_saved_exponentials_memory) {
    // The saved [B, V] array is the op's `saved` state: replaying the tape moves it from the
    // previous step's op into the new one, so no step after the first allocates it.
    Tape tape;
    Tensor z = Tensor::parameter(random_array({2, 5}, 3, -2.0, 2.0), "z");
    tape.backward(softmax_cross_entropy(tape, z, {4, 0}));
    const auto& node = dynamic_cast<const OpNode<SoftmaxCrossEntropy, 1>&>(tape.node(0));
    const double* memory = node.op.saved.exp_shifted.data();
    tape.rewind();
    tape.backward(softmax_cross_entropy(tape, z, {1, 2}));
    BOOST_TEST(node.op.saved.exp_shifted.data() == memory);
    BOOST_TEST(node.op.targets == (std::vector<std::int64_t>{1, 2}), tt::per_element());
}

// Logits of any rank: [B, T, V] is the [B T, V] matrix of its rows, one target per position.
BOOST_AUTO_TEST_CASE(rank3_logits_are_their_rows_flattened) {
    const Array z3 = random_array({2, 3, 4}, 5, -2.0, 2.0);  // [2, 3, 4]
    Array z2 = z3;                                           // [6, 4]
    z2.reshape({6, 4});
    const std::vector<std::int64_t> targets{3, 0, 1, 1, 2, 0};
    Tape tape3, tape2;
    Tensor a = Tensor::parameter(z3, "z3");
    Tensor b = Tensor::parameter(z2, "z2");
    Tensor loss3 = softmax_cross_entropy(tape3, a, targets);
    Tensor loss2 = softmax_cross_entropy(tape2, b, targets);
    BOOST_TEST(loss3.value()() == loss2.value()());
    tape3.backward(loss3);
    tape2.backward(loss2);
    BOOST_TEST(a.grad().shape() == z3.shape(), tt::per_element());
    Array grad2 = a.grad();  // [6, 4]
    grad2.reshape({6, 4});
    BOOST_TEST(max_abs_diff(grad2, b.grad()) == 0.0);
}

// Targets -100 (torch's default ignore_index) mark padding: no loss, no gradient, and the
// mean is over the 2 positions that count. L = -(1/2) (log p[0, 1] + log p[2, 2]).
BOOST_AUTO_TEST_CASE(ignored_positions_contribute_no_loss_and_no_gradient) {
    const Array z0{{{1.0, 2.0, 0.5}, {3.0, -1.0, 0.0}}, {{0.2, 0.1, -0.4}, {9.0, 9.0, 9.0}}};
    Tape tape;
    Tensor z = Tensor::parameter(z0, "z");  // [2, 2, 3]
    Tensor loss = softmax_cross_entropy(tape, z, {1, -100, 2, -100});
    Array z_rows = z0;  // [4, 3]
    z_rows.reshape({4, 3});
    const Array p = tapegrad::softmax(z_rows);  // [4, 3]
    BOOST_TEST(loss.value()() == -(std::log(p(0, 1)) + std::log(p(2, 2))) / 2.0,
               tt::tolerance(exact_tol));
    tape.backward(loss);
    Array expected = p / 2.0;  // (p - y) / B with B = 2   [4, 3]
    expected(0, 1) -= 0.5;
    expected(2, 2) -= 0.5;
    for (std::size_t j = 0; j < 3; ++j) expected(1, j) = expected(3, j) = 0.0;  // ignored
    expected.reshape({2, 2, 3});
    BOOST_TEST(z.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(ignore_index_is_configurable) {
    const Array z0 = random_array({3, 4}, 8, -2.0, 2.0);  // [3, 4]
    Tape tape, reference_tape;
    Tensor z = Tensor::parameter(z0, "z");
    Tensor r = Tensor::parameter(z0, "r");
    // Class 0 as padding: row 0 is ignored, so the same as -100 in that row.
    Tensor loss = softmax_cross_entropy(tape, z, {0, 2, 3}, 0);
    Tensor reference = softmax_cross_entropy(reference_tape, r, {-100, 2, 3});
    BOOST_TEST(loss.value()() == reference.value()());
    tape.backward(loss);
    reference_tape.backward(reference);
    BOOST_TEST(max_abs_diff(z.grad(), r.grad()) == 0.0);
    BOOST_TEST(SoftmaxCrossEntropy{}.ignore_index == -100);
}

// torch.nn.functional.cross_entropy gives NaN (0/0, the mean of no terms) and a zero gradient;
// so do we: a step on an all-padding batch changes nothing, and the loss says so.
BOOST_AUTO_TEST_CASE(all_positions_ignored_give_a_nan_loss_and_a_zero_gradient) {
    Tape tape;
    Tensor z = Tensor::parameter(Array{{1.0, 2.0}, {3.0, 4.0}}, "z");
    Tensor loss = softmax_cross_entropy(tape, z, {-100, -100});
    BOOST_TEST(std::isnan(loss.value()()));
    tape.backward(loss);
    BOOST_TEST(z.grad() == (Array{{0.0, 0.0}, {0.0, 0.0}}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(ignored_rows_match_central_differences_at_rank3) {
    const Array z0 = random_array({2, 2, 5}, 9, -3.0, 3.0);  // [2, 2, 5]
    const std::vector<std::int64_t> targets{4, -100, 0, 2};
    Tape tape;
    Tensor z = Tensor::parameter(z0, "z");
    tape.backward(softmax_cross_entropy(tape, z, targets));
    const auto loss_of = [&](const Array& zv) {
        Tape t;
        return softmax_cross_entropy(t, Tensor::parameter(zv, "z"), targets).value()();
    };
    BOOST_TEST(max_abs_diff(z.grad(), finite_difference(loss_of, z0)) < fd_tol);
}

BOOST_DATA_TEST_CASE(gradcheck_passes_at_rank3_with_ignored_rows, bdata::make({1u, 2u, 3u}), seed) {
    const Array z0 = random_array({2, 3, 4}, seed, -3.0, 3.0);  // [2, 3, 4]
    const GradcheckReport r = gradcheck_op(SoftmaxCrossEntropy{{3, -100, 0, 2, 2, -100}}, z0);
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(a_negative_target_that_is_not_ignore_index_throws) {
    Tape tape;
    Tensor z = Tensor::parameter(Array{{1.0, 2.0, 3.0}, {0.0, 1.0, 2.0}}, "z");
    check_invalid_argument(
        [&] {
            softmax_cross_entropy(tape, z, {0, -1});
        },
        {"SoftmaxCrossEntropy", "target -1", "row 1", "[0, 3)", "[2, 3]", "ignore_index -100"});
    check_invalid_argument(
        [&] {
            softmax_cross_entropy(tape, z, {0, -100}, -1);
        },
        {"SoftmaxCrossEntropy", "target -100", "[2, 3]", "ignore_index -1"});
    check_invalid_argument(
        [&] { softmax_cross_entropy(tape, Tensor::parameter(Array(1.0), "z"), {0}); },
        {"SoftmaxCrossEntropy", "[..., V]", "[]"});
    BOOST_TEST(tape.size() == 0u);
}

BOOST_AUTO_TEST_CASE(size_t_lists_and_braced_lists_still_convert) {
    const std::vector<std::size_t> unsigned_targets{2, 0};
    const std::size_t one = 1;
    Tape tape;
    Tensor z = Tensor::parameter(Array{{1.0, 2.0, 3.0}, {0.0, 1.0, 2.0}}, "z");
    const double a = softmax_cross_entropy(tape, z, unsigned_targets).value()();
    const double b = softmax_cross_entropy(tape, z, {2, 0}).value()();
    const double c = softmax_cross_entropy(tape, z, std::vector<std::int64_t>{2, 0}).value()();
    BOOST_TEST(a == b);
    BOOST_TEST(a == c);
    BOOST_TEST(softmax_cross_entropy(tape, z, {one, one}).value()() ==
               softmax_cross_entropy(tape, z, {1, 1}).value()());
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    Tensor z = Tensor::parameter(random_array({4, 8, 64}, 4, -3.0, 3.0), "z");  // [4, 8, 64]
    std::vector<std::int64_t> targets(32);
    for (std::size_t r = 0; r < targets.size(); ++r)
        targets[r] = r % 5 == 4 ? -100 : static_cast<std::int64_t>((r * 7) % 64);
    check_replay_allocates_nothing([&](Tape& tape) {
        z.zero_grad();
        tape.backward(softmax_cross_entropy(tape, z, targets));
    });
}

BOOST_AUTO_TEST_SUITE_END()
