#include "engine/core/random.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_random)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
std::int64_t ulps_apart(double a, double b) {
    std::int64_t x = 0;
    std::int64_t y = 0;
    std::memcpy(&x, &a, sizeof x);
    std::memcpy(&y, &b, sizeof y);
    return x > y ? x - y : y - x;
}

}  // namespace

// The pinned values below were also reproduced, bit for bit, by an independent pure-Python
// MT19937-64 with the same transforms (and tests/torch/kinds_random.py checks 1000 of each
// against one on every run of the PyTorch harness).

BOOST_AUTO_TEST_CASE(the_engine_is_the_standard_mt19937_64) {
    // [rand.predef]: the 10000th output of a default-constructed mt19937_64.
    std::mt19937_64 e;
    e.discard(9999);
    BOOST_TEST(e() == 9981545732273789042ULL);
    Random rng(42);
    BOOST_TEST(rng.next_u64() == 13930160852258120406ULL);
    BOOST_TEST(rng.next_u64() == 11788048577503494824ULL);
    BOOST_TEST(rng.next_u64() == 13874630024467741450ULL);
    BOOST_TEST(rng.seed() == 42U);
}

BOOST_AUTO_TEST_CASE(first_uniform_values_are_pinned) {
    Random rng(42);
    BOOST_TEST(rng.uniform() == 0x1.82a3befaddcbcp-1);  // 0.755155532954539
    BOOST_TEST(rng.uniform() == 0x1.472f1f73724ap-1);   // 0.6390313938546974
    BOOST_TEST(rng.uniform() == 0x1.81192cfe1cbcfp-1);  // 0.7521452007480266
    BOOST_TEST(rng.uniform() == 0x1.171621fc50d68p-3);  // 0.13627268363243705
}

BOOST_AUTO_TEST_CASE(first_normal_values_are_pinned) {
    Random rng(42);
    BOOST_TEST(rng.normal() == 0x1.4b37d0b4daa8fp+0);
    BOOST_TEST(rng.normal() == 0x1.68f438d8aec29p-1);
    BOOST_TEST(rng.normal() == 0x1.978762f4a05dcp-2);
    BOOST_TEST(rng.normal() == -0x1.25efc127557c4p-1);
    BOOST_TEST(rng.normal() == 0x1.1e599fb914974p+0);
    BOOST_TEST(rng.normal() == -0x1.e81c87dfcf307p+0);
}

BOOST_AUTO_TEST_CASE(uniform_is_the_top_53_bits_of_one_draw) {
    Random a(7);
    Random b(7);
    for (int i = 0; i < 10000; ++i) {
        const double u = a.uniform();
        BOOST_REQUIRE(u >= 0.0);
        BOOST_REQUIRE(u < 1.0);
        BOOST_REQUIRE(u == static_cast<double>(b.next_u64() >> 11) * 0x1.0p-53);
    }
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_stream_and_another_seed_another) {
    Random a(123);
    Random b(123);
    Random c(124);
    bool all_equal_c = true;
    for (int i = 0; i < 100; ++i) {
        const double x = (i % 3 == 0) ? a.uniform() : a.normal();
        const double y = (i % 3 == 0) ? b.uniform() : b.normal();
        const double z = (i % 3 == 0) ? c.uniform() : c.normal();
        BOOST_REQUIRE(x == y);
        all_equal_c = all_equal_c && x == z;
    }
    BOOST_TEST(!all_equal_c);
}

BOOST_AUTO_TEST_CASE(normal_has_mean_0_and_variance_1) {
    // For N draws the sample mean has standard deviation 1/sqrt(N) and the sample variance
    // sqrt(2/N): 5 of them is a bound a correct generator crosses with probability ~1e-6.
    const int n = 200000;
    Random rng(2024);
    double sum = 0.0;
    double sum_sq = 0.0;
    for (int i = 0; i < n; ++i) {
        const double z = rng.normal();
        sum += z;
        sum_sq += z * z;
    }
    const double mean = sum / n;
    const double variance = sum_sq / n - mean * mean;
    BOOST_TEST(std::abs(mean) < 5.0 / std::sqrt(n));
    BOOST_TEST(std::abs(variance - 1.0) < 5.0 * std::sqrt(2.0 / n));
}

// portable_log against the C library over the whole range: glibc's log is accurate to well
// under one ulp, portable_log was measured at most 2 ulps from it over 2 million uniform
// draws; 4 leaves room for other libms while catching any real error (a wrong constant or a
// missing series term is off by thousands of ulps).
constexpr std::int64_t log_ulps = 4;

BOOST_AUTO_TEST_CASE(portable_log_agrees_with_std_log_to_a_few_ulps) {
    Random rng(99);
    for (int i = 0; i < 100000; ++i) {
        // u in (0, 1], spread over many binades (u^40 reaches ~1e-300) and close to 1.
        const double u = 1.0 - rng.uniform();
        for (double x : {u, 1.0 / u, std::pow(u, 40.0), 1.0 + u * 1e-9}) {
            if (x == 0.0 || !std::isfinite(x)) continue;
            BOOST_REQUIRE_MESSAGE(ulps_apart(portable_log(x), std::log(x)) <= log_ulps,
                                  "x = " << x);
        }
    }
    for (double x : {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(),
                     std::numeric_limits<double>::max(), 0.5, 2.0, 10.0})
        BOOST_TEST(ulps_apart(portable_log(x), std::log(x)) <= log_ulps, "x = " << x);
    BOOST_TEST(portable_log(1.0) == 0.0);
}

BOOST_AUTO_TEST_CASE(portable_log_of_a_non_positive_or_non_finite_number_is_nan) {
    for (double x : {0.0, -0.0, -1.0, std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()})
        BOOST_TEST(std::isnan(portable_log(x)), "x = " << x);
}

BOOST_AUTO_TEST_SUITE_END()
