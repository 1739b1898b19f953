#pragma once
/// Random: a seeded random number generator whose numbers are the same on every platform.
///
///     Random rng(42);
///     double u = rng.uniform();   // [0, 1), 53 random bits
///     double z = rng.normal();    // N(0, 1)
///
/// Only the engine is taken from the standard library: std::mt19937_64, whose output the C++
/// standard fixes bit for bit for a given seed. The standard's distributions
/// (std::uniform_real_distribution, std::normal_distribution) are not fixed and differ between
/// libstdc++, libc++ and MSVC, so the transforms are written here:
///   uniform(): (x >> 11) * 2^-53 for one 64-bit draw x: the top 53 bits, exactly, in [0, 1).
///   normal():  Marsaglia's polar method: u, v = 2 uniform() - 1 until 0 < s = u^2 + v^2 < 1,
///              then u f and v f with f = sqrt(-2 log(s) / s) are two independent N(0, 1)
///              draws; v f is kept and returned by the next call.
/// The logarithm is portable_log below (only +, -, *, / and sqrt, which IEEE 754 rounds the
/// same everywhere), not the C library's log, whose last bit differs between libms. random.cpp
/// is compiled with -ffp-contract=off so no compiler fuses a * b + c into one rounding.
/// The stream depends on the seed and on the sequence of calls: uniform() and normal() share
/// the engine, and a normal() pair consumes two or more uniform draws.

#include <cstdint>
#include <random>

namespace tapegrad {

class Random {
public:
    explicit Random(std::uint64_t seed);

    /// The engine's next raw 64-bit output.
    std::uint64_t next_u64() { return engine_(); }
    /// Uniform in [0, 1): a multiple of 2^-53.
    double uniform();
    /// Standard normal N(0, 1).
    double normal();

    std::uint64_t seed() const { return seed_; }

private:
    std::uint64_t seed_;
    std::mt19937_64 engine_;
    double spare_ = 0.0;  // the second value of the last polar pair
    bool has_spare_ = false;
};

/// Natural logarithm of a positive finite x from IEEE-754 arithmetic alone (no libm), so its
/// result is the same bit pattern on every platform. Accurate to a few units in the last place
/// (tested against std::log); returns NaN for x <= 0, NaN or infinity.
double portable_log(double x);

}  // namespace tapegrad
