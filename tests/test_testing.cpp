// engine/inspect/testing.hpp: the installed helpers for testing a new op.
#include "engine/inspect/testing.hpp"

#include "ops/tanh.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_testing)

using namespace tapegrad;

// The same seed gives the same numbers on every platform: mt19937_64's first output for seed
// 1 is 2469588189546311528 (specified by the standard's algorithm), whose top 53 bits give
// 0.13387664401253263 (exact: 2469588189546311528 >> 11 times 2^-53).
BOOST_AUTO_TEST_CASE(random_array_is_reproducible_from_mt19937_64) {
    const Array a = random_array({2, 3}, 1, 0.0, 1.0);  // [2, 3]
    BOOST_TEST(a.data()[0] == static_cast<double>(2469588189546311528ull >> 11) * 0x1.0p-53);
    BOOST_TEST(a.data()[0] == 0.13387664401253263);
    BOOST_TEST(random_array({2, 3}, 1, 0.0, 1.0) == a, boost::test_tools::per_element());
    const Array b = random_array({4}, 2, -2.0, 2.0);  // [4]
    for (double v : b) BOOST_TEST((v >= -2.0 && v < 2.0));
}

BOOST_AUTO_TEST_CASE(weighted_sum_has_the_weights_as_its_gradient) {
    const Array w{0.5, -1.5, 2.0};  // [3]
    Tape tape;
    Tensor a = Tensor::parameter(Array{1.0, 2.0, 3.0}, "a");
    Tensor loss = tape.apply(WeightedSum{w}, a);
    BOOST_TEST(loss.value()() == 0.5 - 3.0 + 6.0);
    tape.backward(loss);
    BOOST_TEST(a.grad() == w, boost::test_tools::per_element());
    BOOST_CHECK_THROW(tape.apply(WeightedSum{w}, Tensor(Array{1.0})), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_readme_snippet_passes_for_tanh) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
        const GradcheckReport r = gradcheck_op(Tanh{}, random_array({2, 5}, seed, -2.0, 2.0));
        BOOST_TEST(r.passed(), r.summary());
    }
    const std::vector<Array> values = values_of({Tensor(Array{1.0}), Tensor(Array{2.0, 3.0})});
    BOOST_TEST(values.size() == 2u);
    BOOST_TEST(values[1](1) == 3.0);
}

BOOST_AUTO_TEST_SUITE_END()
