#include "engine/core/random.hpp"

#include <cmath>
#include <limits>

namespace tapegrad {

Random::Random(std::uint64_t seed) : seed_(seed), engine_(seed) {}

double Random::uniform() {
    // 2^-53 as a literal: the top 53 bits of the draw are an integer k < 2^53, k * 2^-53 is
    // exact and lies in [0, 1).
    constexpr double two_to_minus_53 = 0x1.0p-53;
    return static_cast<double>(engine_() >> 11) * two_to_minus_53;
}

double Random::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    double u = 0.0;
    double v = 0.0;
    double s = 0.0;
    do {
        u = 2.0 * uniform() - 1.0;  // exact: a multiple of 2^-52 in [-1, 1)
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * portable_log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
}

double portable_log(double x) {
    if (!(x > 0.0) || !std::isfinite(x)) return std::numeric_limits<double>::quiet_NaN();
    // x = m 2^e with m in [1/sqrt(2), sqrt(2)): frexp and the doubling are exact.
    int e = 0;
    double m = std::frexp(x, &e);  // m in [0.5, 1), exact also for subnormal x
    constexpr double sqrt_half = 0x1.6a09e667f3bcdp-1;
    if (m < sqrt_half) {
        m *= 2.0;
        --e;
    }
    // log(m) = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...) with f = (m - 1) / (m + 1),
    // |f| <= 0.1716: the terms after f^21/21 add less than 1e-18 relative.
    const double f = (m - 1.0) / (m + 1.0);  // m - 1 is exact (Sterbenz)
    const double f2 = f * f;
    double tail = 1.0 / 21.0;
    for (int k = 9; k >= 1; --k) tail = 1.0 / (2 * k + 1) + f2 * tail;  // 1/3 + f2/5 + ...
    const double log_m = 2.0 * f + 2.0 * f * (f2 * tail);
    // log 2 split so that e * ln2_hi is exact for every exponent (fdlibm's constants).
    constexpr double ln2_hi = 0x1.62e42feep-1;
    constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
    const double de = static_cast<double>(e);
    return de * ln2_hi + (de * ln2_lo + log_m);
}

}  // namespace tapegrad
