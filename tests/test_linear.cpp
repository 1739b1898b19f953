#include "ops/linear.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_linear)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

const Array W{{1.0, 2.0}, {0.0, -1.0}, {3.0, 0.5}};  // [V = 3, d = 2]
const Array b{0.1, 0.2, 0.3};                        // [3]

BOOST_AUTO_TEST_CASE(forward_of_one_input_matches_hand_computed_values) {
    Tape tape;
    Tensor x(Array{2.0, 1.0});
    Tensor z = linear(tape, x, Tensor(W));
    // W x = [1*2 + 2*1, 0*2 - 1*1, 3*2 + 0.5*1]
    const Array expected{4.0, -1.0, 6.5};
    BOOST_TEST(z.value() == expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(forward_of_a_batch_with_bias_matches_hand_computed_values) {
    Tape tape;
    Tensor x(Array{{2.0, 1.0}, {0.0, 1.0}});  // [2, 2]
    Tensor z = linear(tape, x, Tensor(W), Tensor(b));
    const Array expected{{4.1, -0.8, 6.8}, {2.1, -0.8, 0.8}};
    BOOST_TEST(z.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

// L = sum w_out * z, so dL/dz = w_out and every gradient has a closed form:
//   dL/dx = w_out W,  dL/dW = w_out^T x,  dL/db = column sums of w_out.
BOOST_DATA_TEST_CASE(backward_matches_closed_form_and_finite_differences,
                     bdata::make({1, 3, 8}) * bdata::make({1u, 2u}), batch, seed) {
    const std::size_t d = 4, V = 5;
    const Array x0 = random_array({static_cast<std::size_t>(batch), d}, seed);
    const Array W0 = random_array({V, d}, seed + 10);
    const Array b0 = random_array({V}, seed + 20);
    const Array w_out = random_array({static_cast<std::size_t>(batch), V}, seed + 30);

    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    Tensor Wt = Tensor::parameter(W0, "W");
    Tensor bt = Tensor::parameter(b0, "b");
    Tensor loss = tape.apply(WeightedSum{w_out}, linear(tape, x, Wt, bt));
    tape.backward(loss);

    const Array grad_x = xt::zeros<double>({static_cast<std::size_t>(batch), d});  // [B, d]
    const Array grad_W = xt::zeros<double>({V, d});                                // [V, d]
    Array cf_x = grad_x, cf_W = grad_W;
    Array cf_b = xt::zeros<double>({V});  // [V]
    for (std::size_t r = 0; r < static_cast<std::size_t>(batch); ++r)
        for (std::size_t v = 0; v < V; ++v) {
            cf_b(v) += w_out(r, v);
            for (std::size_t j = 0; j < d; ++j) {
                cf_x(r, j) += w_out(r, v) * W0(v, j);
                cf_W(v, j) += w_out(r, v) * x0(r, j);
            }
        }
    BOOST_TEST(max_abs_diff(x.grad(), cf_x) < exact_tol);
    BOOST_TEST(max_abs_diff(Wt.grad(), cf_W) < exact_tol);
    BOOST_TEST(max_abs_diff(bt.grad(), cf_b) < exact_tol);

    auto loss_of = [&](const Array& xv, const Array& Wv, const Array& bv) {
        Tape t;
        Tensor out = t.apply(WeightedSum{w_out},
                             linear(t, Tensor::parameter(xv, "x"), Tensor(Wv), Tensor(bv)));
        return out.value()();
    };
    BOOST_TEST(max_abs_diff(x.grad(), finite_difference(
                                          [&](const Array& v) { return loss_of(v, W0, b0); }, x0)) <
               fd_tol);
    BOOST_TEST(max_abs_diff(Wt.grad(),
                            finite_difference([&](const Array& v) { return loss_of(x0, v, b0); },
                                              W0)) < fd_tol);
    BOOST_TEST(max_abs_diff(bt.grad(),
                            finite_difference([&](const Array& v) { return loss_of(x0, W0, v); },
                                              b0)) < fd_tol);
}

BOOST_AUTO_TEST_CASE(a_second_backward_adds_the_bias_gradient_again) {
    // The bias sums dL/dz over rows straight into its target: the first backward overwrites
    // (beta = 0), the second adds (beta = 1).
    Tape tape;
    const Array w_out{{1.0, -2.0, 0.5}, {3.0, 0.25, -1.0}};  // dL/dz  [2, 3]
    Tensor x(Array{{1.0, 2.0}, {-1.0, 0.5}});
    Tensor bt = Tensor::parameter(Array{0.0, 0.0, 0.0}, "b");
    Tensor loss = tape.apply(WeightedSum{w_out}, linear(tape, x, Tensor(W), bt));
    tape.backward(loss);
    const Array once{4.0, -1.75, -0.5};
    BOOST_TEST(bt.grad() == once, tt::tolerance(exact_tol) << tt::per_element());
    tape.backward(loss);
    const Array twice{8.0, -3.5, -1.0};
    BOOST_TEST(bt.grad() == twice, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(single_input_gradient_is_the_outer_product) {
    // dL/dW = g x^T for one input: the slide's (p - y) x^T with g in place of p - y.
    Tape tape;
    const Array g{-0.341, 0.2424, 0.0986};
    Tensor x(Array{1.5, 0.5});
    Tensor Wt = Tensor::parameter(xt::zeros<double>({3, 2}), "W");
    tape.backward(tape.apply(WeightedSum{g}, linear(tape, x, Wt)));
    const Array expected{{-0.5115, -0.1705}, {0.3636, 0.1212}, {0.1479, 0.0493}};
    BOOST_TEST(Wt.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(no_gradient_is_computed_for_an_input_that_does_not_require_one) {
    Tape tape;
    Tensor x(Array{1.0, 2.0});
    Tensor Wt = Tensor::parameter(W, "W");
    tape.backward(tape.apply(WeightedSum{Array{1.0, 1.0, 1.0}}, linear(tape, x, Wt)));
    BOOST_TEST(!x.has_grad());
    BOOST_TEST(Wt.has_grad());
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_op_and_the_shapes) {
    Tape tape;
    Tensor Wt = Tensor::parameter(W, "W");
    check_invalid_argument(
        [&] {
            linear(tape, Tensor(Array{1.0, 2.0, 3.0}), Wt);
        },
        {"Linear", "x [3]", "W [3, 2]"});
    check_invalid_argument(
        [&] {
            linear(tape, Tensor(Array{1.0, 2.0}), Wt, Tensor(Array{1.0}));
        },
        {"Linear", "b [1]", "W [3, 2]"});
    check_invalid_argument(
        [&] {
            linear(tape, Tensor(Array(xt::zeros<double>({0, 2}))), Wt);
        },
        {"Linear", "x [0, 2]"});
    check_invalid_argument(
        [&] {
            linear(tape, Tensor(Array{1.0, 2.0}), Tensor(Array{1.0, 2.0}));
        },
        {"Linear", "W [2]"});
    BOOST_TEST(tape.size() == 0u);  // nothing half-recorded
}

// gradcheck: every element of x, W (and b) against central differences, the output weighted.
BOOST_DATA_TEST_CASE(gradcheck_passes_with_and_without_bias,
                     bdata::make({1, 3}) * bdata::make({1u, 2u}), batch, seed) {
    const std::size_t B = static_cast<std::size_t>(batch), d = 4, V = 5;
    const Array x0 = random_array({B, d}, seed);       // [B, d]
    const Array W0 = random_array({V, d}, seed + 10);  // [V, d]
    const Array b0 = random_array({V}, seed + 20);     // [V]
    const GradcheckReport with_bias = gradcheck_op(Linear{}, x0, W0, b0);
    BOOST_TEST(with_bias.passed(), with_bias.summary());
    const GradcheckReport without_bias = gradcheck_op(Linear{}, x0, W0);
    BOOST_TEST(without_bias.passed(), without_bias.summary());
}

BOOST_AUTO_TEST_CASE(gradcheck_passes_for_a_single_input_vector) {
    const GradcheckReport r = gradcheck_op(Linear{}, Array{1.5, 0.5}, random_array({3, 2}, 4));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_SUITE_END()
