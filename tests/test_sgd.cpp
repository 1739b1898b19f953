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
    p.set_grad(Array{0.5, -1.0});
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

BOOST_AUTO_TEST_SUITE_END()
