#include "ops/rms_norm.hpp"

#include <cmath>

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_rms_norm)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

namespace {
const Array x_hand{{1.0, 2.0, 3.0, 4.0}, {-1.0, 0.5, 0.0, 2.5}};  // [2, 4]
const Array gamma_hand{1.0, 2.0, 0.5, -1.0};                      // [4]

// The forward written out again, row by row, for the central differences.
Array rms_norm_reference(const Array& x, const Array& gamma, double eps) {
    const std::size_t C = gamma.size();
    Array y(x.shape());  // [..., C]
    for (std::size_t r = 0; r < x.size() / C; ++r) {
        double mean_square = 0.0;
        for (std::size_t j = 0; j < C; ++j) mean_square += std::pow(x.data()[r * C + j], 2) / C;
        for (std::size_t j = 0; j < C; ++j)
            y.data()[r * C + j] = x.data()[r * C + j] / std::sqrt(mean_square + eps) * gamma(j);
    }
    return y;
}
double weighted(const Array& w, const Array& y) {
    double sum = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) sum += w.data()[i] * y.data()[i];
    return sum;
}
}  // namespace

// Row 0: mean(x^2) = 30/4 = 7.5; row 1: (1 + 0.25 + 0 + 6.25) / 4 = 1.875 (eps = 0).
BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y = rms_norm(tape, Tensor(x_hand), Tensor(gamma_hand), 0.0);
    const double s0 = std::sqrt(7.5), s1 = std::sqrt(1.875);
    const Array expected{{1.0 / s0, 2.0 * 2.0 / s0, 0.5 * 3.0 / s0, -4.0 / s0},
                         {-1.0 / s1, 2.0 * 0.5 / s1, 0.0, -2.5 / s1}};
    BOOST_TEST(y.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(RMSNorm{}.eps == 1e-6);
}

// L = sum w y, so dL/dy = w; per element dL/dx_j = rrms (g_j - xhat_j (1/C) sum_k g_k xhat_k),
// g = w gamma, written here as rrms g_j - x_j rrms^3 (1/C) sum_k g_k x_k.
BOOST_DATA_TEST_CASE(backward_matches_closed_form, bdata::make({1u, 2u, 3u}), seed) {
    const Array x0 = random_array({2, 3, 5}, seed, -2.0, 3.0);   // [2, 3, 5]
    const Array gamma0 = random_array({5}, seed + 1, 0.5, 1.5);  // [5]
    const Array w = random_array({2, 3, 5}, seed + 3);           // [2, 3, 5]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    Tensor gamma = Tensor::parameter(gamma0, "gamma");
    tape.backward(tape.apply(WeightedSum{w}, rms_norm(tape, x, gamma)));
    const std::size_t C = 5;
    Array grad_x(x0.shape());                   // [2, 3, 5]
    Array grad_gamma = xt::zeros<double>({C});  // [5]
    for (std::size_t r = 0; r < 6; ++r) {
        const double* xr = x0.data() + r * C;
        const double* wr = w.data() + r * C;
        double mean_square = 0.0, sum_g_x = 0.0;
        for (std::size_t j = 0; j < C; ++j) {
            mean_square += xr[j] * xr[j] / C;
            sum_g_x += wr[j] * gamma0(j) * xr[j];
        }
        const double rrms = 1.0 / std::sqrt(mean_square + 1e-6);
        for (std::size_t j = 0; j < C; ++j) {
            grad_x.data()[r * C + j] =
                rrms * wr[j] * gamma0(j) - xr[j] * rrms * rrms * rrms * sum_g_x / C;
            grad_gamma(j) += wr[j] * xr[j] * rrms;
        }
    }
    BOOST_TEST(x.grad() == grad_x, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(gamma.grad() == grad_gamma, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(backward_matches_central_differences) {
    const Array x0 = random_array({3, 4}, 11, -2.0, 2.0);  // [3, 4]
    const Array gamma0 = random_array({4}, 12, 0.5, 1.5);  // [4]
    const Array w = random_array({3, 4}, 14);              // [3, 4]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    Tensor gamma = Tensor::parameter(gamma0, "gamma");
    tape.backward(tape.apply(WeightedSum{w}, rms_norm(tape, x, gamma)));
    const double eps = 1e-6;
    const Array num_x = finite_difference(
        [&](const Array& v) { return weighted(w, rms_norm_reference(v, gamma0, eps)); }, x0);
    const Array num_gamma = finite_difference(
        [&](const Array& v) { return weighted(w, rms_norm_reference(x0, v, eps)); }, gamma0);
    BOOST_TEST(x.grad() == num_x, tt::tolerance(fd_tol) << tt::per_element());
    BOOST_TEST(gamma.grad() == num_gamma, tt::tolerance(fd_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r = gradcheck_op(RMSNorm{}, random_array({2, 2, 6}, seed, -2.0, 2.0),
                                           random_array({6}, seed + 5, 0.5, 1.5));
    BOOST_TEST(r.passed(), r.summary());
    const GradcheckReport one_row = gradcheck_op(RMSNorm{1e-2}, random_array({7}, seed),
                                                 random_array({7}, seed + 7, -1.5, 1.5));
    BOOST_TEST(one_row.passed(), one_row.summary());
}

BOOST_AUTO_TEST_CASE(a_zero_row_gives_zero_and_a_finite_gradient) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{{0.0, 0.0}}, "x");  // rrms = 1 / sqrt(eps)
    Tensor y = rms_norm(tape, x, Tensor(Array{1.0, 2.0}));
    BOOST_TEST(y.value() == (Array{{0.0, 0.0}}), tt::per_element());
    tape.backward(tape.apply(WeightedSum{Array{{1.0, -1.0}}}, y));
    const double rrms = 1.0 / std::sqrt(1e-6);
    BOOST_TEST(x.grad() == (Array{{rrms, -2.0 * rrms}}), tt::tolerance(exact_tol)
                                                             << tt::per_element());
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_op_and_every_shape) {
    Tape tape;
    check_invalid_argument(
        [&] {
            rms_norm(tape, Tensor(x_hand), Tensor(Array{1.0, 2.0}));
        },
        {"RMSNorm", "x [2, 4]", "gamma [2]"});
    check_invalid_argument([&] { rms_norm(tape, Tensor(Array(3.0)), Tensor(Array{1.0})); },
                           {"RMSNorm", "x []", "gamma [1]"});
    check_invalid_argument([&] { rms_norm(tape, Tensor(x_hand), Tensor(gamma_hand), -1e-6); },
                           {"RMSNorm", "eps", "x [2, 4]"});
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    Tensor x = Tensor::parameter(random_array({8, 4, 32}, 4), "x");    // [8, 4, 32]
    Tensor gamma = Tensor::parameter(random_array({32}, 5), "gamma");  // [32]
    const Array w = random_array({8, 4, 32}, 7);                       // [8, 4, 32]
    check_replay_allocates_nothing([&](Tape& tape) {
        x.zero_grad();
        gamma.zero_grad();
        tape.backward(tape.apply(WeightedSum{w}, rms_norm(tape, x, gamma)));
    });
}

BOOST_AUTO_TEST_SUITE_END()
