#include "ops/relu.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_relu)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

namespace {
/// Random values in [-2, 2] moved at least 0.1 away from the kink at 0, where a central
/// difference with h ~ 6e-6 would straddle it.
Array away_from_zero(const Shape& shape, unsigned seed) {
    Array x = random_array(shape, seed, -1.9, 1.9);  // [shape]
    for (double& v : x) v += v < 0.0 ? -0.1 : 0.1;
    return x;
}
}  // namespace

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y = relu(tape, Tensor(Array{{-1.5, 0.0, 2.0}, {0.25, -0.0, -3.0}}));
    const Array expected{{0.0, 0.0, 2.0}, {0.25, 0.0, 0.0}};
    BOOST_TEST(y.value() == expected, tt::per_element());
}

// L = sum w y, so dL/dx = w where x > 0 and 0 elsewhere (also at x = 0 exactly).
BOOST_AUTO_TEST_CASE(backward_matches_closed_form) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{-1.5, 0.0, 2.0, 0.25}, "x");
    tape.backward(tape.apply(WeightedSum{Array{0.7, 1.1, 1.3, -0.4}}, relu(tape, x)));
    const Array expected{0.0, 0.0, 1.3, -0.4};
    BOOST_TEST(x.grad() == expected, tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r = gradcheck_op(ReLU{}, away_from_zero({3, 4}, seed));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(gradcheck_on_only_negative_inputs_is_inconclusive) {
    // Every gradient is 0 there: such a check proves nothing, and says so.
    const GradcheckReport r = gradcheck_op(ReLU{}, Array{-0.5, -1.0, -2.0});
    BOOST_TEST(r.status == GradcheckStatus::inconclusive, r.summary());
}

BOOST_AUTO_TEST_SUITE_END()
