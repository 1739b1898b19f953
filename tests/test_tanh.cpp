#include "ops/tanh.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_tanh)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y = tanh(tape, Tensor(Array{0.0, 0.5, -1.0, 2.0}));
    // tanh(v) = (e^v - e^-v) / (e^v + e^-v), evaluated in Python's math.tanh.
    const Array expected{0.0, 0.46211715726000974, -0.7615941559557649, 0.9640275800758169};
    BOOST_TEST(y.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

// L = sum w y, so dL/dy = w and dL/dx = w (1 - tanh(x)^2).
BOOST_DATA_TEST_CASE(backward_matches_closed_form, bdata::make({1u, 2u, 3u}), seed) {
    const Array x0 = random_array({3, 4}, seed, -2.0, 2.0);  // [3, 4]
    const Array w = random_array({3, 4}, seed + 10);         // [3, 4]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    tape.backward(tape.apply(WeightedSum{w}, tanh(tape, x)));
    Array expected(x0.shape());  // [3, 4]
    for (std::size_t i = 0; i < x0.size(); ++i) {
        const double t = std::tanh(x0.data()[i]);
        expected.data()[i] = w.data()[i] * (1.0 - t * t);
    }
    BOOST_TEST(x.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r = gradcheck_op(Tanh{}, random_array({2, 5}, seed, -2.0, 2.0));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(saturated_inputs_give_plus_minus_one_and_a_zero_gradient) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{-40.0, 40.0}, "x");
    Tensor y = tanh(tape, x);
    BOOST_TEST(y.value() == (Array{-1.0, 1.0}), tt::per_element());
    tape.backward(tape.apply(WeightedSum{Array{1.0, 2.0}}, y));
    BOOST_TEST(x.grad() == (Array{0.0, 0.0}), tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
