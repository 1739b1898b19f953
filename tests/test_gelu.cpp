#include "ops/gelu.hpp"

#include <cmath>

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_gelu)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

namespace {
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) and its derivative, written out again.
double gelu_of(double x) {
    const double k = std::sqrt(2.0 / M_PI);
    return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
}
double gelu_derivative(double x) {
    const double k = std::sqrt(2.0 / M_PI);
    const double u = k * (x + 0.044715 * x * x * x);
    const double sech2 = 1.0 / (std::cosh(u) * std::cosh(u));  // 1 - tanh(u)^2
    return 0.5 * (1.0 + std::tanh(u)) + 0.5 * x * sech2 * k * (1.0 + 3.0 * 0.044715 * x * x);
}
}  // namespace

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y = gelu(tape, Tensor(Array{0.0, 1.0, -0.5, 2.0, -3.0}));
    // Python: 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))); the
    // same digits as torch.nn.functional.gelu(x, approximate="tanh") in float64.
    const Array expected{0.0, 0.8411919906082768, -0.15428599017485606, 1.954597694087775,
                         -0.0036373920817729943};
    BOOST_TEST(y.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

// L = sum w y, so dL/dy = w and dL/dx = w gelu'(x), with 1 - t^2 written as sech^2.
BOOST_DATA_TEST_CASE(backward_matches_closed_form, bdata::make({1u, 2u, 3u}), seed) {
    const Array x0 = random_array({3, 4}, seed, -4.0, 4.0);  // [3, 4]
    const Array w = random_array({3, 4}, seed + 10);         // [3, 4]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    tape.backward(tape.apply(WeightedSum{w}, gelu(tape, x)));
    Array expected(x0.shape());  // [3, 4]
    for (std::size_t i = 0; i < x0.size(); ++i)
        expected.data()[i] = w.data()[i] * gelu_derivative(x0.data()[i]);
    BOOST_TEST(x.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(backward_matches_central_differences) {
    const Array x0 = random_array({2, 3, 2}, 7, -3.0, 3.0);  // [2, 3, 2]
    const Array w = random_array({2, 3, 2}, 8);              // [2, 3, 2]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    tape.backward(tape.apply(WeightedSum{w}, gelu(tape, x)));
    const Array numeric = finite_difference(
        [&](const Array& xv) {
            double sum = 0.0;
            for (std::size_t i = 0; i < xv.size(); ++i) sum += w.data()[i] * gelu_of(xv.data()[i]);
            return sum;
        },
        x0);
    BOOST_TEST(x.grad() == numeric, tt::tolerance(fd_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r = gradcheck_op(GELU{}, random_array({2, 5}, seed, -3.0, 3.0));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(large_inputs_give_x_or_zero) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{-40.0, 40.0}, "x");
    Tensor y = gelu(tape, x);
    BOOST_TEST(y.value() == (Array{-0.0, 40.0}), tt::per_element());
    tape.backward(tape.apply(WeightedSum{Array{1.0, 2.0}}, y));
    BOOST_TEST(x.grad() == (Array{0.0, 2.0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(an_empty_input_gives_an_empty_output) {
    Tape tape;
    Tensor y = gelu(tape, Tensor(Array(xt::zeros<double>({0, 3}))));
    BOOST_TEST(y.value().size() == 0u);
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    Tensor x = Tensor::parameter(random_array({16, 32}, 4, -3.0, 3.0), "x");  // [16, 32]
    const Array w = random_array({16, 32}, 5);                                // [16, 32]
    check_replay_allocates_nothing([&](Tape& tape) {
        x.zero_grad();
        tape.backward(tape.apply(WeightedSum{w}, gelu(tape, x)));
    });
}

BOOST_AUTO_TEST_SUITE_END()
