#include "ops/mul.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_mul)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y =
        mul(tape, Tensor(Array{{1.0, 2.0}, {3.0, 4.0}}), Tensor(Array{{0.5, -2.0}, {0.0, 1.5}}));
    const Array expected{{0.5, -4.0}, {0.0, 6.0}};
    BOOST_TEST(y.value() == expected, tt::per_element());
}

// L = sum w y, so dL/da = w b and dL/db = w a.
BOOST_AUTO_TEST_CASE(backward_matches_closed_form) {
    const Array a0 = random_array({2, 3}, 1);  // [2, 3]
    const Array b0 = random_array({2, 3}, 2);  // [2, 3]
    const Array w = random_array({2, 3}, 7);   // [2, 3]
    Tape tape;
    Tensor a = Tensor::parameter(a0, "a");
    Tensor b = Tensor::parameter(b0, "b");
    tape.backward(tape.apply(WeightedSum{w}, mul(tape, a, b)));
    const Array expected_a = w * b0;  // [2, 3]
    const Array expected_b = w * a0;  // [2, 3]
    BOOST_TEST(a.grad() == expected_a, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(b.grad() == expected_b, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(squaring_by_mul_of_a_tensor_with_itself_gives_two_x) {
    // y = x * x: the engine adds both contributions, w x + w x = 2 w x.
    const Array x0{1.5, -2.0, 0.5};  // [3]
    const Array w{0.3, -1.2, 0.8};   // [3]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    tape.backward(tape.apply(WeightedSum{w}, mul(tape, x, x)));
    const Array expected = 2.0 * w * x0;  // [3]
    BOOST_TEST(x.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r =
        gradcheck_op(Mul{}, random_array({2, 4}, seed), random_array({2, 4}, seed + 10));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(different_shapes_throw_naming_op_and_shapes) {
    Tape tape;
    Tensor a(xt::zeros<double>({4}));
    Tensor b(xt::zeros<double>({2, 2}));
    check_invalid_argument([&] { mul(tape, a, b); }, {"Mul", "[4]", "[2, 2]"});
}

BOOST_AUTO_TEST_SUITE_END()
