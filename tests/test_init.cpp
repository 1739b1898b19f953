#include "engine/core/init.hpp"

#include <cmath>
#include <limits>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_init)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(normal_fills_row_major_with_sigma_times_normal_draws) {
    Random rng(1337);
    Random reference(1337);
    const Array W = normal({2, 3}, 0.02, rng);  // [2, 3]
    BOOST_TEST(shape_string(W) == "[2, 3]");
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(W(i, j) == 0.02 * reference.normal());
    BOOST_TEST(rng.normal() == reference.normal());  // the stream continues where W stopped
}

BOOST_AUTO_TEST_CASE(normal_first_value_is_pinned) {
    Random rng(42);
    const Array a = normal({3}, 1.0, rng);     // [3]
    BOOST_TEST(a(0) == 0x1.4b37d0b4daa8fp+0);  // Random(42).normal(), see test_random
    BOOST_TEST(a(2) == 0x1.978762f4a05dcp-2);
}

BOOST_AUTO_TEST_CASE(a_scalar_and_an_empty_shape_work) {
    Random rng(1);
    const Array s = normal({}, 1.0, rng);  // []
    BOOST_TEST(s.dimension() == 0U);
    BOOST_TEST(s.size() == 1U);
    const Array e = normal({0, 4}, 1.0, rng);  // [0, 4]
    BOOST_TEST(e.size() == 0U);
}

BOOST_AUTO_TEST_CASE(uniform_stays_in_its_interval) {
    Random rng(5);
    const Array a = uniform({1000}, -0.5, 2.0, rng);  // [1000]
    for (double x : a) BOOST_REQUIRE(x >= -0.5 && x < 2.0);
    Random again(5);
    BOOST_TEST(a(0) == -0.5 + 2.5 * again.uniform());
}

BOOST_AUTO_TEST_CASE(zeros_and_ones) {
    const Array z = zeros({2, 2});  // [2, 2]
    const Array o = ones({3});      // [3]
    BOOST_TEST(shape_string(z) == "[2, 2]");
    for (double x : z) BOOST_TEST(x == 0.0);
    for (double x : o) BOOST_TEST(x == 1.0);
}

BOOST_AUTO_TEST_CASE(bad_arguments_throw) {
    Random rng(0);
    check_invalid_argument([&] { normal({2}, -1.0, rng); }, {"normal", "sigma", "-1", "[2]"});
    check_invalid_argument([&] { normal({2}, std::numeric_limits<double>::infinity(), rng); },
                           {"normal", "sigma", "inf"});
    check_invalid_argument([&] { uniform({2}, 1.0, 0.0, rng); }, {"uniform", "lo", "hi"});
    check_invalid_argument([&] { uniform({2}, 0.0, std::nan(""), rng); }, {"uniform", "nan"});
}

BOOST_AUTO_TEST_SUITE_END()
