#pragma once
/// number_string: the shortest decimal text that reads back as the same double, in the form
/// Python's repr(float) gives: "0.001", "1e-08", "0.0003", "1.0", "1e+16", "-0.0", "nan",
/// "inf". For error messages and for hyperparameters saved as text, where "%g" would round.
/// (The digits come from std::to_chars, shortest round trip; the layout follows repr: fixed
/// notation for decimal exponents -4 to 15, otherwise d.ddde+XX.)

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace tapegrad {

inline std::string number_string(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    char buffer[32];  // "-2.2250738585072014e-308" is 24 chars
    const std::to_chars_result r =
        std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
    const std::string text(buffer, r.ptr);  // "-1.2345e-05": sign, digits, exponent
    const std::size_t e_at = text.find('e');
    const int exponent = std::atoi(text.c_str() + e_at + 1);
    if (exponent < -4 || exponent >= 16) return text;
    const bool negative = text[0] == '-';
    std::string digits;  // the significant digits without the point
    for (std::size_t i = negative ? 1 : 0; i < e_at; ++i)
        if (text[i] != '.') digits += text[i];
    std::string fixed;
    if (exponent < 0) {
        fixed = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else {
        const std::size_t int_digits = static_cast<std::size_t>(exponent) + 1;
        if (digits.size() <= int_digits) {
            fixed = digits + std::string(int_digits - digits.size(), '0') + ".0";
        } else {
            fixed = digits.substr(0, int_digits) + "." + digits.substr(int_digits);
        }
    }
    return negative ? "-" + fixed : fixed;
}

}  // namespace tapegrad
