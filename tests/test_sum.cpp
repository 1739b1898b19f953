#include "ops/sum.hpp"

#include "ops/mul.hpp"
#include "ops/scale.hpp"

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_sum)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(forward_adds_every_element_into_a_scalar) {
    Tape tape;
    const Tensor L = sum(tape, Tensor(Array{{1.0, 2.5}, {-4.0, 0.25}}));
    BOOST_TEST(shape_string(L.value()) == "[]");
    BOOST_TEST(L.item() == -0.25);
    BOOST_TEST(sum(tape, Tensor(Array(xt::zeros<double>({0, 3})))).item() == 0.0);
}

// dL/dx_i = dL/dL for every element: ones times the incoming gradient.
BOOST_AUTO_TEST_CASE(backward_gives_every_element_the_incoming_gradient) {
    const Array x = random_array({2, 3}, 1);  // [2, 3]
    Tape tape;
    Tensor t = Tensor::parameter(x, "x");
    const Tensor total = sum(tape, t);        // []
    tape.backward(scale(tape, total, 1.75));  // L' = 1.75 L: dL'/dL = 1.75
    BOOST_TEST(t.grad() == Array(xt::ones<double>({2, 3}) * 1.75), tt::per_element());
}

BOOST_AUTO_TEST_CASE(gradient_matches_finite_differences_and_gradcheck) {
    const Array x = random_array({2, 3, 2}, 2);  // [2, 3, 2]
    check_against_finite_differences(Sum{}, std::array<Array, 1>{x}, Array(0.8));
    // Sum alone gives every element the same gradient, which gradcheck rightly calls
    // inconclusive (a backward that swaps elements would pass too): check L = sum x^2.
    const GradcheckReport r = gradcheck(
        [](Tape& tape, const std::vector<Tensor>& p) { return sum(tape, mul(tape, p[0], p[0])); },
        {x});
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_SUITE_END()
