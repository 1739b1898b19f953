#include "engine/optim/fused_sgd.hpp"

#include <cmath>
#include <limits>

#include <boost/test/data/test_case.hpp>
#include <xtensor/xview.hpp>

#include "engine/core/tape.hpp"
#include "ops/linear.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_fused_sgd)

using namespace tapegrad;
using namespace tapegrad::test;

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

BOOST_DATA_TEST_CASE(fused_step_matches_backward_then_step,
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
        BOOST_TEST(fused_sgd_step(tape_f, fused.loss(tape_f), sgd_f) == 2u);  // W and b
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

// Which parameters the rule lets the pass update, and that all of them end up updated.
BOOST_AUTO_TEST_CASE(only_the_safe_parameters_are_updated_inside_the_pass) {
    Tensor x = Tensor::parameter(Array{{1.0, 2.0}}, "x");                // [1, 2]
    Tensor W = Tensor::parameter(Array{{0.5, -1.0}, {2.0, 0.25}}, "W");  // [2, 2]
    Tensor b = Tensor::parameter(Array{0.1, -0.2}, "b");                 // [2]
    Tensor unused = Tensor::parameter(Array{3.0}, "unused");             // [1]
    Tape tape;
    Tensor z = linear(tape, x, W, b);
    Tensor loss = softmax_cross_entropy(tape, z, {1});
    const Array x_before = x.value();                                  // [1, 2]
    const Array W_before = W.value();                                  // [2, 2]
    const Array b_before = b.value();                                  // [2]
    const Array g = tapegrad::softmax(z.value()) - Array{{0.0, 1.0}};  // p - y  [1, 2]
    SGD sgd({x, W, b, unused}, 1.0);
    // x: Linear reads x after writing dL/dx (for dL/dW), so not safe; unused: no node reads
    // it. W and b are updated inside the pass.
    BOOST_TEST(fused_sgd_step(tape, loss, sgd) == 2u);
    const Array W_expected = W_before - xt::transpose(g) * x_before;  // [2, 2]
    const Array b_expected = b_before - xt::view(g, 0);               // [2]
    // dL/dx = (p - y) W, with W before the update, applied by the plain step.
    const Array x_expected{
        {x_before(0, 0) - (g(0, 0) * W_before(0, 0) + g(0, 1) * W_before(1, 0)),
         x_before(0, 1) - (g(0, 0) * W_before(0, 1) + g(0, 1) * W_before(1, 1))}};
    BOOST_TEST(max_abs_diff(W.value(), W_expected) < exact_tol);
    BOOST_TEST(max_abs_diff(b.value(), b_expected) < exact_tol);
    BOOST_TEST(max_abs_diff(x.value(), x_expected) < exact_tol);
    BOOST_TEST(unused.value()(0) == 3.0);
    for (const Tensor& p : {x, W, b, unused}) BOOST_TEST(!p.has_grad());
}

BOOST_AUTO_TEST_CASE(a_parameter_listed_twice_takes_the_plain_path) {
    Tensor x(Array{{1.0, 2.0}});                                         // [1, 2]
    Tensor W = Tensor::parameter(Array{{0.5, -1.0}, {2.0, 0.25}}, "W");  // [2, 2]
    auto run = [&](bool fused) {
        W.value() = Array{{0.5, -1.0}, {2.0, 0.25}};
        Tape tape;
        SGD sgd({W, W}, 0.5);
        Tensor loss = softmax_cross_entropy(tape, linear(tape, x, W), {0});
        if (fused) {
            BOOST_TEST(fused_sgd_step(tape, loss, sgd) == 0u);
        } else {
            tape.backward(loss);
            sgd.step();  // listed twice: the plain step applies it twice
            sgd.zero_grad();
        }
        return Array(W.value());
    };
    const Array W_fused = run(true);       // [2, 2]
    const Array W_reference = run(false);  // [2, 2]
    BOOST_TEST(W_fused == W_reference, tt::per_element());
}

BOOST_AUTO_TEST_CASE(a_parameter_used_twice_takes_the_plain_path) {
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
            BOOST_TEST(fused_sgd_step(tape, loss, sgd) == 0u);
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

BOOST_AUTO_TEST_CASE(a_pending_gradient_is_part_of_the_step) {
    // A gradient accumulated by an earlier backward (no zero_grad) is part of the step, as in
    // backward; backward; step.
    const double lr = 0.5;
    OutputLayer fused(false), reference(false);
    Tape tape_f, tape_r;
    SGD sgd_f({fused.W, fused.b}, lr), sgd_r({reference.W, reference.b}, lr);
    tape_f.backward(fused.loss(tape_f));
    tape_f.rewind();
    BOOST_TEST(fused_sgd_step(tape_f, fused.loss(tape_f), sgd_f) == 0u);
    tape_r.backward(reference.loss(tape_r));
    tape_r.rewind();
    tape_r.backward(reference.loss(tape_r));
    sgd_r.step();
    BOOST_TEST(fused.W.value() == reference.W.value(), tt::per_element());
    BOOST_TEST(fused.b.value() == reference.b.value(), tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
