#include "ops/mean.hpp"

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"
#include "ops/mul.hpp"

BOOST_AUTO_TEST_SUITE(test_mean)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(forward_averages_every_element) {
    Tape tape;
    const Tensor L = mean(tape, Tensor(Array{{1.0, 2.5}, {-4.0, 0.5}}));
    BOOST_TEST(shape_string(L.value()) == "[]");
    BOOST_TEST(L.item() == 0.0);
    BOOST_TEST(mean(tape, Tensor(Array{{3.0, 6.0, -3.0}})).item() == 2.0);
}

// L' = w L: dL'/dx_i = w / n.
BOOST_AUTO_TEST_CASE(backward_matches_closed_form_and_finite_differences) {
    const Array x = random_array({2, 3, 2}, 1);                         // [2, 3, 2], n = 12
    const Array w(0.6);                                                 // []
    const Array expected = xt::ones<double>({2, 3, 2}) * (0.6 / 12.0);  // [2, 3, 2]
    BOOST_TEST(gradients_of(Mean{}, std::array<Array, 1>{x}, w)[0] == expected,
               tt::tolerance(exact_tol) << tt::per_element());
    check_against_finite_differences(Mean{}, std::array<Array, 1>{x}, w);
}

// Mean alone gives every element the same gradient (inconclusive for gradcheck, rightly):
// check L = mean x^2, dL/dx = 2x / n.
BOOST_AUTO_TEST_CASE(gradcheck_passes) {
    const GradcheckReport r = gradcheck(
        [](Tape& tape, const std::vector<Tensor>& p) { return mean(tape, mul(tape, p[0], p[0])); },
        {random_array({3, 4}, 2)});
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(no_elements_throw_naming_the_op_and_the_shape) {
    Tape tape;
    check_invalid_argument(
        [&] {
            mean(tape, Tensor(Array(xt::zeros<double>({2, 0}))));
        },
        {"Mean", "x [2, 0]"});
}

BOOST_AUTO_TEST_SUITE_END()
