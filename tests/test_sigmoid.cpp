#include "ops/sigmoid.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_sigmoid)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y = sigmoid(tape, Tensor(Array{0.0, 0.5, -1.0, 2.0}));
    // 1 / (1 + e^-v), evaluated in Python.
    const Array expected{0.5, 0.6224593312018546, 0.2689414213699951, 0.8807970779778823};
    BOOST_TEST(y.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(extreme_inputs_stay_finite_and_in_range) {
    // e^800 overflows a double; the x < 0 branch never forms it.
    Tape tape;
    Tensor y = sigmoid(tape, Tensor(Array{-800.0, 800.0, -40.0}));
    BOOST_TEST(y.value()(0) == 0.0);
    BOOST_TEST(y.value()(1) == 1.0);
    BOOST_TEST(y.value()(2) == std::exp(-40.0) / (1.0 + std::exp(-40.0)), tt::tolerance(exact_tol));
}

// L = sum w y, so dL/dx = w s (1 - s) with s = sigmoid(x).
BOOST_DATA_TEST_CASE(backward_matches_closed_form, bdata::make({1u, 2u, 3u}), seed) {
    const Array x0 = random_array({4, 3}, seed, -3.0, 3.0);  // [4, 3]
    const Array w = random_array({4, 3}, seed + 10);         // [4, 3]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    tape.backward(tape.apply(WeightedSum{w}, sigmoid(tape, x)));
    Array expected(x0.shape());  // [4, 3]
    for (std::size_t i = 0; i < x0.size(); ++i) {
        const double s = 1.0 / (1.0 + std::exp(-x0.data()[i]));
        expected.data()[i] = w.data()[i] * s * (1.0 - s);
    }
    BOOST_TEST(x.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r = gradcheck_op(Sigmoid{}, random_array({5}, seed, -3.0, 3.0));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_SUITE_END()
