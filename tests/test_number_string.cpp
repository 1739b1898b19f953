#include "engine/core/number_string.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "engine/core/random.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_number_string)

using namespace tapegrad;

BOOST_AUTO_TEST_CASE(numbers_read_as_python_repr_writes_them) {
    // Each pair checked against /usr/bin/python3 repr(float).
    BOOST_TEST(number_string(0.001) == "0.001");
    BOOST_TEST(number_string(3e-4) == "0.0003");
    BOOST_TEST(number_string(1e-5) == "1e-05");
    BOOST_TEST(number_string(1e-8) == "1e-08");
    BOOST_TEST(number_string(0.1) == "0.1");
    BOOST_TEST(number_string(1.0) == "1.0");
    BOOST_TEST(number_string(100.0) == "100.0");
    BOOST_TEST(number_string(-0.0) == "-0.0");
    BOOST_TEST(number_string(0.0) == "0.0");
    BOOST_TEST(number_string(1e15) == "1000000000000000.0");
    BOOST_TEST(number_string(1e16) == "1e+16");
    BOOST_TEST(number_string(1.0 / 3.0) == "0.3333333333333333");
    BOOST_TEST(number_string(-123.456) == "-123.456");
    BOOST_TEST(number_string(5e-324) == "5e-324");
    BOOST_TEST(number_string(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
    BOOST_TEST(number_string(std::nan("")) == "nan");
    BOOST_TEST(number_string(-std::numeric_limits<double>::infinity()) == "-inf");
}

BOOST_AUTO_TEST_CASE(every_string_reads_back_as_the_same_double) {
    Random rng(8);
    for (int i = 0; i < 100000; ++i) {
        const std::uint64_t bits = rng.next_u64();
        double x = 0.0;
        std::memcpy(&x, &bits, sizeof x);
        if (!std::isfinite(x)) continue;
        const std::string s = number_string(x);
        BOOST_REQUIRE_MESSAGE(std::strtod(s.c_str(), nullptr) == x, s);
    }
}

BOOST_AUTO_TEST_SUITE_END()
