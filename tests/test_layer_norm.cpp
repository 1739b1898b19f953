#include "ops/layer_norm.hpp"

#include <cmath>

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_layer_norm)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

namespace {
const Array x_hand{{1.0, 2.0, 3.0, 4.0}, {-1.0, 0.5, 0.0, 2.5}};  // [2, 4]
const Array gamma_hand{1.0, 2.0, 0.5, -1.0};                      // [4]
const Array beta_hand{0.0, 1.0, -1.0, 0.5};                       // [4]

// The forward written out again, row by row, for the central differences.
Array layer_norm_reference(const Array& x, const Array& gamma, const Array& beta, double eps) {
    const std::size_t C = gamma.size();
    Array y(x.shape());  // [..., C]
    for (std::size_t r = 0; r < x.size() / C; ++r) {
        double mean = 0.0, var = 0.0;
        for (std::size_t j = 0; j < C; ++j) mean += x.data()[r * C + j] / C;
        for (std::size_t j = 0; j < C; ++j) var += std::pow(x.data()[r * C + j] - mean, 2) / C;
        for (std::size_t j = 0; j < C; ++j)
            y.data()[r * C + j] =
                (x.data()[r * C + j] - mean) / std::sqrt(var + eps) * gamma(j) + beta(j);
    }
    return y;
}
double weighted(const Array& w, const Array& y) {
    double sum = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) sum += w.data()[i] * y.data()[i];
    return sum;
}
}  // namespace

// Row 0: mean 2.5, biased var 1.25; row 1: mean 0.5, var 1.625 (eps = 0 to keep them exact).
BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y = layer_norm(tape, Tensor(x_hand), Tensor(gamma_hand), Tensor(beta_hand), 0.0);
    const double s0 = std::sqrt(1.25), s1 = std::sqrt(1.625);
    const Array expected{
        {-1.5 / s0, 2.0 * (-0.5 / s0) + 1.0, 0.5 * (0.5 / s0) - 1.0, -1.5 / s0 + 0.5},
        {-1.5 / s1, 1.0, 0.5 * (-0.5 / s1) - 1.0, -(2.0 / s1) + 0.5}};
    BOOST_TEST(y.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

// F.layer_norm(x, (4,), gamma, beta) in torch 1.13, float64, default eps 1e-5.
BOOST_AUTO_TEST_CASE(default_eps_is_torchs) {
    Tape tape;
    Tensor y = layer_norm(tape, Tensor(x_hand), Tensor(gamma_hand), Tensor(beta_hand));
    const Array torch_y{
        {-1.341635419968927, 0.10557638668738178, -0.7763940966718456, -0.8416354199689269},
        {-1.1766931902402427, 1.0, -1.1961155317067071, -1.068924253653657}};
    BOOST_TEST(y.value() == torch_y, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(LayerNorm{}.eps == 1e-5);
}

BOOST_AUTO_TEST_CASE(saved_holds_each_rows_mean_and_rstd) {
    Tape tape;
    Tensor x = Tensor::parameter(x_hand, "x");
    layer_norm(tape, x, Tensor(gamma_hand), Tensor(beta_hand), 0.0);
    const auto& node = dynamic_cast<const OpNode<LayerNorm, 3>&>(tape.node(0));
    BOOST_TEST(node.op.saved.mean == (Array{2.5, 0.5}), tt::tolerance(exact_tol)
                                                            << tt::per_element());
    const Array rstd{1.0 / std::sqrt(1.25), 1.0 / std::sqrt(1.625)};
    BOOST_TEST(node.op.saved.rstd == rstd, tt::tolerance(exact_tol) << tt::per_element());
}

// L = sum w y, so dL/dy = w; the closed form written per element:
// dL/dx_j = (rstd / C) (C g_j - sum_k g_k - xhat_j sum_k g_k xhat_k), g = w gamma.
BOOST_DATA_TEST_CASE(backward_matches_closed_form, bdata::make({1u, 2u, 3u}), seed) {
    const Array x0 = random_array({2, 3, 5}, seed, -2.0, 3.0);   // [2, 3, 5]
    const Array gamma0 = random_array({5}, seed + 1, 0.5, 1.5);  // [5]
    const Array beta0 = random_array({5}, seed + 2);             // [5]
    const Array w = random_array({2, 3, 5}, seed + 3);           // [2, 3, 5]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    Tensor gamma = Tensor::parameter(gamma0, "gamma");
    Tensor beta = Tensor::parameter(beta0, "beta");
    tape.backward(tape.apply(WeightedSum{w}, layer_norm(tape, x, gamma, beta)));
    const std::size_t C = 5;
    Array grad_x(x0.shape());                   // [2, 3, 5]
    Array grad_gamma = xt::zeros<double>({C});  // [5]
    Array grad_beta = xt::zeros<double>({C});   // [5]
    for (std::size_t r = 0; r < 6; ++r) {
        const double* xr = x0.data() + r * C;
        const double* wr = w.data() + r * C;
        double mean = 0.0, var = 0.0;
        for (std::size_t j = 0; j < C; ++j) mean += xr[j] / C;
        for (std::size_t j = 0; j < C; ++j) var += (xr[j] - mean) * (xr[j] - mean) / C;
        const double rstd = 1.0 / std::sqrt(var + 1e-5);
        double sum_g = 0.0, sum_g_xhat = 0.0;
        for (std::size_t j = 0; j < C; ++j) {
            sum_g += wr[j] * gamma0(j);
            sum_g_xhat += wr[j] * gamma0(j) * (xr[j] - mean) * rstd;
        }
        for (std::size_t j = 0; j < C; ++j) {
            const double xhat = (xr[j] - mean) * rstd;
            grad_x.data()[r * C + j] =
                rstd / C * (C * wr[j] * gamma0(j) - sum_g - xhat * sum_g_xhat);
            grad_gamma(j) += wr[j] * xhat;
            grad_beta(j) += wr[j];
        }
    }
    BOOST_TEST(x.grad() == grad_x, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(gamma.grad() == grad_gamma, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(beta.grad() == grad_beta, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(backward_matches_central_differences) {
    const Array x0 = random_array({3, 4}, 11, -2.0, 2.0);  // [3, 4]
    const Array gamma0 = random_array({4}, 12, 0.5, 1.5);  // [4]
    const Array beta0 = random_array({4}, 13);             // [4]
    const Array w = random_array({3, 4}, 14);              // [3, 4]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    Tensor gamma = Tensor::parameter(gamma0, "gamma");
    Tensor beta = Tensor::parameter(beta0, "beta");
    tape.backward(tape.apply(WeightedSum{w}, layer_norm(tape, x, gamma, beta)));
    const double eps = 1e-5;
    const Array num_x = finite_difference(
        [&](const Array& v) { return weighted(w, layer_norm_reference(v, gamma0, beta0, eps)); },
        x0);
    const Array num_gamma = finite_difference(
        [&](const Array& v) { return weighted(w, layer_norm_reference(x0, v, beta0, eps)); },
        gamma0);
    const Array num_beta = finite_difference(
        [&](const Array& v) { return weighted(w, layer_norm_reference(x0, gamma0, v, eps)); },
        beta0);
    BOOST_TEST(x.grad() == num_x, tt::tolerance(fd_tol) << tt::per_element());
    BOOST_TEST(gamma.grad() == num_gamma, tt::tolerance(fd_tol) << tt::per_element());
    BOOST_TEST(beta.grad() == num_beta, tt::tolerance(fd_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r =
        gradcheck_op(LayerNorm{}, random_array({2, 2, 6}, seed, -2.0, 2.0),
                     random_array({6}, seed + 5, 0.5, 1.5), random_array({6}, seed + 6));
    BOOST_TEST(r.passed(), r.summary());
    const GradcheckReport one_row =
        gradcheck_op(LayerNorm{1e-3}, random_array({7}, seed),
                     random_array({7}, seed + 7, -1.5, 1.5), random_array({7}, seed + 8));
    BOOST_TEST(one_row.passed(), one_row.summary());
}

BOOST_AUTO_TEST_CASE(only_the_wanted_gradients_are_written) {
    Tape tape;
    Tensor gamma = Tensor::parameter(gamma_hand, "gamma");
    const Array w = random_array({2, 4}, 21);  // [2, 4]
    tape.backward(
        tape.apply(WeightedSum{w}, layer_norm(tape, Tensor(x_hand), gamma, Tensor(beta_hand))));
    Array expected = xt::zeros<double>({4});  // [4]
    for (std::size_t r = 0; r < 2; ++r) {
        const double mean = r == 0 ? 2.5 : 0.5;
        const double rstd = 1.0 / std::sqrt((r == 0 ? 1.25 : 1.625) + 1e-5);
        for (std::size_t j = 0; j < 4; ++j) expected(j) += w(r, j) * (x_hand(r, j) - mean) * rstd;
    }
    BOOST_TEST(gamma.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(a_constant_row_gives_beta_and_a_finite_gradient) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{{3.0, 3.0, 3.0}}, "x");  // var 0: rstd = 1 / sqrt(eps)
    Tensor y = layer_norm(tape, x, Tensor(Array{1.0, 2.0, 3.0}), Tensor(Array{0.5, -0.5, 1.0}));
    BOOST_TEST(y.value() == (Array{{0.5, -0.5, 1.0}}), tt::per_element());
    tape.backward(tape.apply(WeightedSum{Array{{1.0, 0.0, -1.0}}}, y));
    // g = (1, 0, -3), mean(g) = -2/3, xhat = 0: dL/dx = rstd (g - mean(g)).
    const double rstd = 1.0 / std::sqrt(1e-5);
    const Array expected{{rstd * (5.0 / 3.0), rstd * (2.0 / 3.0), rstd * (-7.0 / 3.0)}};
    BOOST_TEST(x.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_op_and_every_shape) {
    Tape tape;
    const Tensor x(x_hand);  // [2, 4]
    check_invalid_argument(
        [&] {
            layer_norm(tape, x, Tensor(Array{1.0, 2.0}), Tensor(beta_hand));
        },
        {"LayerNorm", "x [2, 4]", "gamma [2]", "beta [4]"});
    check_invalid_argument(
        [&] {
            layer_norm(tape, x, Tensor(gamma_hand), Tensor(Array{{0.0, 1.0, 2.0, 3.0}}));
        },
        {"LayerNorm", "x [2, 4]", "gamma [4]", "beta [1, 4]"});
    check_invalid_argument(
        [&] {
            layer_norm(tape, Tensor(Array(xt::zeros<double>({0, 4}))), Tensor(gamma_hand),
                       Tensor(beta_hand));
        },
        {"LayerNorm", "x [0, 4]", "gamma [4]", "beta [4]"});
    check_invalid_argument(
        [&] { layer_norm(tape, x, Tensor(gamma_hand), Tensor(beta_hand), -1.0); },
        {"LayerNorm", "eps", "x [2, 4]"});
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    Tensor x = Tensor::parameter(random_array({8, 4, 32}, 4), "x");    // [8, 4, 32]
    Tensor gamma = Tensor::parameter(random_array({32}, 5), "gamma");  // [32]
    Tensor beta = Tensor::parameter(random_array({32}, 6), "beta");    // [32]
    const Array w = random_array({8, 4, 32}, 7);                       // [8, 4, 32]
    check_replay_allocates_nothing([&](Tape& tape) {
        x.zero_grad();
        gamma.zero_grad();
        beta.zero_grad();
        tape.backward(tape.apply(WeightedSum{w}, layer_norm(tape, x, gamma, beta)));
    });
}

BOOST_AUTO_TEST_SUITE_END()
