#include "engine/kernels/exp_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/test/data/test_case.hpp>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_exp_kernels)

using namespace tapegrad;
using namespace tapegrad::test;

// xsimd's exp is within about 1 ulp of std::exp; a sum of n such terms adds n roundings.
// 4 ulps per element, relative, leaves room without hiding a wrong term (which is off by
// a factor, or by a whole element in a sum).
constexpr double kernel_ulps = 4.0;
const double kernel_tol = kernel_ulps * std::numeric_limits<double>::epsilon();

// Lengths around the SIMD widths (2 doubles for SSE2, 4 for AVX2) so that every tail runs.
const std::vector<std::size_t> lengths{1, 2, 3, 4, 5, 7, 8, 9, 17, 1000};

BOOST_DATA_TEST_CASE(row_max_sum_exp_and_scaled_exp_match_std_exp,
                     boost::unit_test::data::make(lengths), n) {
    const Array x = random_array({n}, static_cast<unsigned>(n), -30.0, 30.0);  // [n]
    const double* p = x.data();

    BOOST_TEST(row_max(p, n) == *std::max_element(p, p + n));

    const double shift = 2.5;
    double reference_sum = 0.0;
    std::vector<double> reference(n);
    for (std::size_t j = 0; j < n; ++j) {
        reference[j] = 0.25 * std::exp(p[j] - shift);
        reference_sum += reference[j];
    }
    BOOST_TEST(sum_exp(p, shift, n) == 4.0 * reference_sum, tt::tolerance(kernel_tol));

    std::vector<double> out(n);
    const double sum = scaled_exp(p, shift, 0.25, out.data(), n);
    BOOST_TEST(sum == reference_sum, tt::tolerance(kernel_tol));
    for (std::size_t j = 0; j < n; ++j)
        BOOST_TEST(out[j] == reference[j], tt::tolerance(kernel_tol) << "element " << j);
}

BOOST_AUTO_TEST_CASE(scaled_exp_may_write_over_its_input) {
    Array x{0.0, 1.0, -1.0, 2.0, -2.0};  // [5]
    const Array expected = xt::exp(x);   // [5]
    scaled_exp(x.data(), 0.0, 1.0, x.data(), x.size());
    BOOST_TEST(x == expected, tt::tolerance(kernel_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(tanh_values_match_std_tanh, boost::unit_test::data::make(lengths), n) {
    // Around 0 (xsimd's polynomial branch), across the switch to its exp form, and saturated.
    const Array x = random_array({n}, static_cast<unsigned>(n) + 100, -20.0, 20.0);  // [n]
    std::vector<double> out(n);
    tanh_values(x.data(), out.data(), n);
    for (std::size_t j = 0; j < n; ++j)
        BOOST_TEST(out[j] == std::tanh(x.data()[j]), tt::tolerance(kernel_tol) << "element " << j);
}

BOOST_AUTO_TEST_CASE(tanh_values_at_the_edges_and_in_place) {
    const double inf = std::numeric_limits<double>::infinity();
    Array x{0.0, -0.0, 1e-300, -1e-12, 0.3, -0.7, 19.0, -40.0, 800.0, inf, -inf};  // [11]
    Array expected = x;                                                            // [11]
    for (double& v : expected) v = std::tanh(v);
    tanh_values(x.data(), x.data(), x.size());
    BOOST_TEST(x == expected, tt::tolerance(kernel_tol) << tt::per_element());
    BOOST_TEST(std::signbit(x(1)));  // tanh(-0) = -0
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Array bad{nan, 1.0, nan, 2.0, nan};  // [5]: NaN stays NaN, in a register and in the tail
    tanh_values(bad.data(), bad.data(), bad.size());
    BOOST_TEST((std::isnan(bad(0)) && std::isnan(bad(2)) && std::isnan(bad(4))));
    BOOST_TEST(bad(1) == std::tanh(1.0), tt::tolerance(kernel_tol));
}

BOOST_AUTO_TEST_SUITE_END()
