#include "ops/soft_target_cross_entropy.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_soft_target_cross_entropy)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

namespace {

/// B random probability distributions over V classes (positive entries, rows summing to 1).
Array random_distributions(std::size_t B, std::size_t V, unsigned seed) {
    Array y = random_array({B, V}, seed, 0.05, 1.0);  // [B, V]
    for (std::size_t r = 0; r < B; ++r) {
        double sum = 0.0;
        for (std::size_t j = 0; j < V; ++j) sum += y(r, j);
        for (std::size_t j = 0; j < V; ++j) y(r, j) /= sum;
    }
    return y;
}

}  // namespace

BOOST_AUTO_TEST_CASE(forward_with_the_slides_one_hot_y_is_bsp_1s_loss) {
    // Bsp. 1 as the slide writes it: z = [2, 1, 0.1], y = [1, 0, 0], L = -log 0.6590 = 0.417.
    Tape tape;
    Tensor z = Tensor::parameter(Array{2.0, 1.0, 0.1}, "z");
    Tensor loss = soft_target_cross_entropy(tape, z, Array{1.0, 0.0, 0.0});
    BOOST_TEST(loss.value()() == 2.4170300162778333 - 2.0, tt::tolerance(exact_tol));
    BOOST_TEST(std::abs(loss.value()() - 0.417) <= 5e-4);  // the slide prints 3 decimals
    tape.backward(loss);
    const Array p_minus_y{0.659001138885968 - 1.0, 0.24243297070471395, 0.0985658904093182};  // [3]
    BOOST_TEST(max_abs_diff(z.grad(), p_minus_y) < exact_tol);
}

BOOST_AUTO_TEST_CASE(forward_and_backward_with_a_smoothed_target_match_hand_computed_values) {
    // z = [2, 1, 0.1], y = [0.8, 0.1, 0.1]:
    //   log sum_j e^z_j = log(e^2 + e^1 + e^0.1) = 2.4170300162778333
    //   L = sum_j y_j (log sum - z_j) = 2.4170300... - (0.8*2 + 0.1*1 + 0.1*0.1) = 0.70703...
    //   p = [0.659001, 0.242433, 0.098566],  dL/dz = p - y = [-0.140999, 0.142433, -0.001434]
    Tape tape;
    Tensor z = Tensor::parameter(Array{2.0, 1.0, 0.1}, "z");
    Tensor loss = soft_target_cross_entropy(tape, z, Array{0.8, 0.1, 0.1});
    BOOST_TEST(loss.value()() == 0.7070300162778334, tt::tolerance(exact_tol));
    tape.backward(loss);
    const Array expected{-0.140999, 0.142433, -0.001434};  // dL/dz = p - y  [3]
    BOOST_TEST(max_abs_diff(z.grad(), expected) < 1e-6);   // the hand values have 6 decimals
}

BOOST_DATA_TEST_CASE(a_one_hot_y_gives_exactly_softmax_cross_entropy, bdata::make({1u, 2u, 3u}),
                     seed) {
    const std::size_t B = 4, V = 5;
    const Array z0 = random_array({B, V}, seed, -4.0, 4.0);  // [B, V]
    const std::vector<std::size_t> targets{0, 4, 2, 2};
    Array y = xt::zeros<double>({B, V});  // one-hot rows  [B, V]
    for (std::size_t r = 0; r < B; ++r) y(r, targets[r]) = 1.0;
    Tape soft_tape, index_tape;
    Tensor z_soft = Tensor::parameter(z0, "z");
    Tensor z_index = Tensor::parameter(z0, "z");
    Tensor soft = soft_target_cross_entropy(soft_tape, z_soft, y);
    Tensor index = softmax_cross_entropy(index_tape, z_index, targets);
    BOOST_TEST(soft.value()() == index.value()(), tt::tolerance(exact_tol));
    soft_tape.backward(soft);
    index_tape.backward(index);
    BOOST_TEST(max_abs_diff(z_soft.grad(), z_index.grad()) < exact_tol);
}

// dL/dz = (p - y) / B when the rows of y sum to 1.
BOOST_DATA_TEST_CASE(backward_matches_closed_form_and_finite_differences, bdata::make({1u, 2u}),
                     seed) {
    const std::size_t B = 3, V = 4;
    const Array z0 = random_array({B, V}, seed, -3.0, 3.0);  // [B, V]
    const Array y = random_distributions(B, V, seed + 7);    // [B, V]
    Tape tape;
    Tensor z = Tensor::parameter(z0, "z");
    tape.backward(soft_target_cross_entropy(tape, z, y));

    const Array p = tapegrad::softmax(z0);                       // [B, V]
    const Array closed_form = (p - y) / static_cast<double>(B);  // [B, V]
    BOOST_TEST(max_abs_diff(z.grad(), closed_form) < exact_tol);

    auto loss_of = [&](const Array& zv) {
        Tape t;
        return soft_target_cross_entropy(t, Tensor::parameter(zv, "z"), y).value()();
    };
    BOOST_TEST(max_abs_diff(z.grad(), finite_difference(loss_of, z0)) < fd_tol);
}

BOOST_AUTO_TEST_CASE(logits_of_plus_minus_1000_give_a_finite_exact_loss_and_gradient) {
    // p = [1/(1+e^-1), e^-1/(1+e^-1), ~e^-2000 = 0 in double]; y puts half its mass on the
    // class whose p underflows. log p is never formed from p, so with
    // log sum_j e^z_j = 1000 + log(1 + e^-1 + e^-2000) = 1000 + log1p(e^-1):
    //   L = 0.5 (log sum - 1000) + 0.5 (log sum + 1000) = 1000 + log1p(e^-1).
    Tape tape;
    Tensor z = Tensor::parameter(Array{1000.0, 999.0, -1000.0}, "z");
    Tensor loss = soft_target_cross_entropy(tape, z, Array{0.5, 0.0, 0.5});
    BOOST_TEST(loss.value()() == 1000.0 + std::log1p(std::exp(-1.0)), tt::tolerance(exact_tol));
    tape.backward(loss);
    const double e = std::exp(-1.0);
    const Array expected{1.0 / (1.0 + e) - 0.5, e / (1.0 + e), -0.5};  // p - y  [3]
    BOOST_TEST(max_abs_diff(z.grad(), expected) < exact_tol);
}

BOOST_AUTO_TEST_CASE(bad_targets_and_shapes_throw_naming_the_op_and_the_shapes) {
    Tape tape;
    Tensor z = Tensor::parameter(Array{{1.0, 2.0, 3.0}}, "z");  // [1, 3]
    check_invalid_argument(
        [&] {
            soft_target_cross_entropy(tape, z, Array{1.0, 0.0, 0.0});
        },
        {"SoftTargetCrossEntropy", "z [1, 3]", "y [3]"});
    check_invalid_argument(
        [&] {
            soft_target_cross_entropy(tape, z, Array{{1.5, -0.5, 0.0}});
        },
        {"SoftTargetCrossEntropy", "y[0, 1]", "not a probability", "[1, 3]"});
    check_invalid_argument(
        [&] {
            soft_target_cross_entropy(tape, z, Array{{std::nan(""), 0.5, 0.5}});
        },
        {"SoftTargetCrossEntropy", "y[0, 0]", "not a probability"});
    check_invalid_argument(
        [&] {
            soft_target_cross_entropy(tape, z, Array{{0.5, 0.25, 0.0}});
        },
        {"SoftTargetCrossEntropy", "row 0 of y sums to 0.75", "[1, 3]"});
    check_invalid_argument(
        [&] {
            soft_target_cross_entropy(tape,
                                      Tensor::parameter(Array(xt::zeros<double>({2, 0})), "z"),
                                      Array(xt::zeros<double>({2, 0})));
        },
        {"SoftTargetCrossEntropy", "[2, 0]"});
    BOOST_TEST(tape.size() == 0u);
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const Array z0 = random_array({4, 5}, seed, -3.0, 3.0);  // [4, 5]
    const GradcheckReport r =
        gradcheck_op(SoftTargetCrossEntropy{random_distributions(4, 5, seed + 3)}, z0);
    BOOST_TEST(r.passed(), r.summary());
    const GradcheckReport one =
        gradcheck_op(SoftTargetCrossEntropy{Array{0.8, 0.1, 0.1}}, Array{2.0, 1.0, 0.1});
    BOOST_TEST(one.passed(), one.summary());
}

BOOST_AUTO_TEST_SUITE_END()
