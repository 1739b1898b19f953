#include "ops/add.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_add)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    Tape tape;
    Tensor y =
        add(tape, Tensor(Array{{1.0, 2.0}, {3.0, 4.0}}), Tensor(Array{{0.5, -2.0}, {0.0, 1.5}}));
    const Array expected{{1.5, 0.0}, {3.0, 5.5}};
    BOOST_TEST(y.value() == expected, tt::per_element());
}

// L = sum w y, so dL/da = dL/db = w.
BOOST_AUTO_TEST_CASE(backward_matches_closed_form) {
    const Array w = random_array({2, 3}, 7);  // [2, 3]
    Tape tape;
    Tensor a = Tensor::parameter(random_array({2, 3}, 1), "a");
    Tensor b = Tensor::parameter(random_array({2, 3}, 2), "b");
    tape.backward(tape.apply(WeightedSum{w}, add(tape, a, b)));
    BOOST_TEST(a.grad() == w, tt::per_element());
    BOOST_TEST(b.grad() == w, tt::per_element());
}

BOOST_AUTO_TEST_CASE(adding_a_tensor_to_itself_doubles_its_gradient) {
    const Array w{0.3, -1.2, 0.8};  // [3]
    Tape tape;
    Tensor x = Tensor::parameter(Array{1.0, 2.0, 3.0}, "x");
    tape.backward(tape.apply(WeightedSum{w}, add(tape, x, x)));
    const Array expected = 2.0 * w;  // [3]
    BOOST_TEST(x.grad() == expected, tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r =
        gradcheck_op(Add{}, random_array({3, 2}, seed), random_array({3, 2}, seed + 10));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(different_shapes_throw_naming_op_and_shapes) {
    Tape tape;
    Tensor a(xt::zeros<double>({2, 3}));
    Tensor b(xt::zeros<double>({3, 2}));
    check_invalid_argument([&] { add(tape, a, b); }, {"Add", "[2, 3]", "[3, 2]"});
}

BOOST_AUTO_TEST_SUITE_END()
