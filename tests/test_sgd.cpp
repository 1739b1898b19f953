#include "engine/optim/sgd.hpp"

#include <cmath>
#include <limits>

#include <boost/test/data/test_case.hpp>

#include "engine/core/no_grad.hpp"
#include "engine/core/tape.hpp"
#include "examples/slides.hpp"
#include "ops/linear.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_sgd)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(step_subtracts_lr_times_the_gradient) {
    Tensor p = Tensor::parameter(Array{1.0, 2.0}, "p");
    Tensor untouched = Tensor::parameter(Array{5.0}, "untouched");
    p.data().grad = Array{0.5, -1.0};
    p.data().grad_is_zero = false;
    SGD sgd({p, untouched}, 0.1);
    sgd.step();
    const Array expected{0.95, 2.1};
    BOOST_TEST(p.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(untouched.value()(0) == 5.0);  // no gradient reached it
    sgd.zero_grad();
    BOOST_TEST(!p.has_grad());
}

BOOST_AUTO_TEST_CASE(bad_settings_throw) {
    Tensor p = Tensor::parameter(Array{1.0}, "p");
    check_invalid_argument([&] { SGD({p}, -1.0); }, {"SGD", "lr"});
    check_invalid_argument([&] { SGD({p}, std::nan("")); }, {"SGD", "lr"});
    check_invalid_argument([&] { SGD({Tensor(Array{1.0}, false, "constant")}, 0.1); },
                           {"SGD", "constant", "does not require a gradient"});
}

// Real training steps through the tape on the slide's examples: forward, backward, update.
void check_loss_falls_every_step(const slides::Example& ex) {
    Tensor x(ex.x);
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");
    SGD sgd({W}, 0.5);
    Tape tape;
    double previous = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 10; ++step) {
        tape.rewind();
        Tensor loss = softmax_cross_entropy(tape, linear(tape, x, W), {ex.target});
        BOOST_TEST(loss.value()() < previous, ex.name << " step " << step);
        previous = loss.value()();
        sgd.zero_grad();
        tape.backward(loss);
        sgd.step();
    }
}

BOOST_AUTO_TEST_CASE(sgd_lowers_the_loss_of_bsp_1_at_every_step) {
    check_loss_falls_every_step(slides::bsp1());
}
BOOST_AUTO_TEST_CASE(sgd_lowers_the_loss_of_bsp_2_at_every_step) {
    check_loss_falls_every_step(slides::bsp2());
}

BOOST_AUTO_TEST_CASE(one_step_on_bsp_1_moves_the_logits_by_lr_times_xtx_times_p_minus_y) {
    // W <- W - lr (p - y) x^T, so z = W x moves by -lr (p - y) (x^T x): traceable by hand.
    const slides::Example ex = slides::bsp1();
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");
    Tape tape;
    tape.backward(softmax_cross_entropy(tape, linear(tape, Tensor(ex.x), W), {0}));
    SGD({W}, 0.5).step();
    NoGrad guard(tape);
    const Array z_after = linear(tape, Tensor(ex.x), W).value();            // [3]
    const Array p = tapegrad::softmax(ex.z);                                // [3]
    const Array expected = ex.z - 0.5 * 2.5 * (p - slides::one_hot(0, 3));  // [3]
    BOOST_TEST(max_abs_diff(z_after, expected) < exact_tol);
}

// ---- step_during_backward: the SGD step fused into the backward pass ----

// The fused step lets BLAS compute W + (-lr) * g with one rounding (FMA) where step() rounds
// lr * g and then W - (lr * g): the results may differ by about one unit in the last place
// of each term. Four units of the larger term is a bound with room, and far below any real
// error (a missing or doubled update differs by lr * g, ~1e-2 here).
constexpr double fused_rounding_ulps = 4.0;

// |fused - reference| <= ulps * eps * (|reference| + |step|) element by element, where step
// is the update the reference applied to `before`.
void check_same_update(const Array& fused, const Array& reference, const Array& before) {
    BOOST_REQUIRE(shapes_equal(fused.shape(), reference.shape()));
    const double eps = std::numeric_limits<double>::epsilon();
    for (std::size_t i = 0; i < fused.size(); ++i) {
        const double step = std::abs(reference.data()[i] - before.data()[i]);
        const double bound = fused_rounding_ulps * eps * (std::abs(reference.data()[i]) + step);
        BOOST_TEST(std::abs(fused.data()[i] - reference.data()[i]) <= bound,
                   "element " << i << ": fused " << fused.data()[i] << " vs backward+step "
                              << reference.data()[i]);
    }
}

// One decoder output layer: z = x W^T + b, L = softmax cross-entropy over 3 rows.
struct OutputLayer {
    Tensor x, W, b;
    explicit OutputLayer(bool x_requires_grad)
        : x(random_array({3, 4}, 1), x_requires_grad, "x"),
          W(Tensor::parameter(random_array({5, 4}, 2), "W")),
          b(Tensor::parameter(random_array({5}, 3), "b")) {}
    Tensor loss(Tape& tape) const {
        return softmax_cross_entropy(tape, linear(tape, x, W, b), {0, 4, 2});
    }
};

BOOST_DATA_TEST_CASE(step_during_backward_matches_backward_then_step,
                     boost::unit_test::data::make({false, true}), x_requires_grad) {
    const double lr = 0.5;
    OutputLayer fused(x_requires_grad), reference(x_requires_grad);
    const Array W0 = reference.W.value();  // [5, 4]
    const Array b0 = reference.b.value();  // [5]
    Tape tape_f, tape_r;
    SGD sgd_f({fused.W, fused.b}, lr), sgd_r({reference.W, reference.b}, lr);
    for (int step = 0; step < 3; ++step) {  // replayed on a rewound tape, like a training loop
        tape_f.rewind();
        tape_r.rewind();
        sgd_f.step_during_backward(tape_f, fused.loss(tape_f));
        tape_r.backward(reference.loss(tape_r));
        if (x_requires_grad && step == 0) {
            // dL/dx = dL/dz W must use W before the update: identical, bit for bit.
            BOOST_TEST(fused.x.grad() == reference.x.grad(), tt::per_element());
        }
        sgd_r.step();
        sgd_r.zero_grad();
    }
    check_same_update(fused.W.value(), reference.W.value(), W0);
    check_same_update(fused.b.value(), reference.b.value(), b0);
    BOOST_TEST(!fused.W.has_grad());
    BOOST_TEST(!fused.b.has_grad());
}

BOOST_AUTO_TEST_CASE(step_during_backward_falls_back_when_a_parameter_is_used_twice) {
    // h = x W^T, z = h W^T: W is read by two nodes. Updating it inside z's backward would
    // corrupt h's (dL/dx = dL/dh W), so it takes the normal path: exactly backward + step.
    const double lr = 0.25;
    const Array x0 = random_array({2, 3}, 4);  // [2, 3]
    const Array W0 = random_array({3, 3}, 5);  // [3, 3]
    auto run = [&](bool fused) {
        Tensor x(x0);
        Tensor W = Tensor::parameter(W0, "W");
        Tape tape;
        SGD sgd({W}, lr);
        Tensor loss = softmax_cross_entropy(tape, linear(tape, linear(tape, x, W), W), {1, 2});
        if (fused) {
            sgd.step_during_backward(tape, loss);
        } else {
            tape.backward(loss);
            sgd.step();
            sgd.zero_grad();
        }
        return Array(W.value());
    };
    const Array W_fused = run(true);       // [3, 3]
    const Array W_reference = run(false);  // [3, 3]
    BOOST_TEST(W_fused == W_reference, tt::per_element());
    BOOST_TEST(max_abs_diff(W_fused, W0) > 0.0);  // and the update did happen
}

BOOST_AUTO_TEST_CASE(step_during_backward_applies_a_pending_gradient_too) {
    // A gradient accumulated by an earlier backward (no zero_grad) is part of the step, as in
    // backward; backward; step.
    const double lr = 0.5;
    OutputLayer fused(false), reference(false);
    Tape tape_f, tape_r;
    SGD sgd_f({fused.W, fused.b}, lr), sgd_r({reference.W, reference.b}, lr);
    tape_f.backward(fused.loss(tape_f));
    tape_f.rewind();
    sgd_f.step_during_backward(tape_f, fused.loss(tape_f));
    tape_r.backward(reference.loss(tape_r));
    tape_r.rewind();
    tape_r.backward(reference.loss(tape_r));
    sgd_r.step();
    BOOST_TEST(fused.W.value() == reference.W.value(), tt::per_element());
    BOOST_TEST(fused.b.value() == reference.b.value(), tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
