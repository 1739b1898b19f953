#pragma once
/// The loops behind engine/kernels/exp_kernels.hpp, written once for any xsimd architecture `Arch`.
/// Included by exp_kernels.cpp (SSE2, the x86-64 baseline) and exp_kernels_avx2.cpp (compiled
/// with -mavx2 -mfma); not part of the public headers. Each loop runs whole registers, then the
/// remaining n % width elements one at a time with std::exp (std::tanh).

#include <algorithm>
#include <cmath>
#include <cstddef>

#include <xsimd/xsimd.hpp>

namespace tapegrad::detail {

template <class Arch>
struct ExpKernels {
    using Batch = xsimd::batch<double, Arch>;
    static constexpr std::size_t width = Batch::size;

    static double row_max(const double* x, std::size_t n) {
        double m = x[0];
        std::size_t j = 0;
        if (n >= width) {
            Batch acc = Batch::load_unaligned(x);
            for (j = width; j + width <= n; j += width)
                acc = xsimd::max(acc, Batch::load_unaligned(x + j));
            alignas(64) double lanes[width];
            acc.store_aligned(lanes);
            for (double v : lanes) m = std::max(m, v);
        }
        for (; j < n; ++j) m = std::max(m, x[j]);
        return m;
    }

    static double sum_exp(const double* x, double shift, std::size_t n) {
        const Batch s(shift);
        Batch acc(0.0);
        std::size_t j = 0;
        for (; j + width <= n; j += width) acc += xsimd::exp(Batch::load_unaligned(x + j) - s);
        double sum = xsimd::hadd(acc);
        for (; j < n; ++j) sum += std::exp(x[j] - shift);
        return sum;
    }

    static double scaled_exp(const double* x, double shift, double scale, double* out,
                             std::size_t n) {
        const Batch s(shift);
        const Batch c(scale);
        Batch acc(0.0);
        std::size_t j = 0;
        for (; j + width <= n; j += width) {
            const Batch e = c * xsimd::exp(Batch::load_unaligned(x + j) - s);
            e.store_unaligned(out + j);
            acc += e;
        }
        double sum = xsimd::hadd(acc);
        for (; j < n; ++j) {
            out[j] = scale * std::exp(x[j] - shift);
            sum += out[j];
        }
        return sum;
    }

    static void tanh_values(const double* x, double* out, std::size_t n) {
        std::size_t j = 0;
        for (; j + width <= n; j += width)
            xsimd::tanh(Batch::load_unaligned(x + j)).store_unaligned(out + j);
        for (; j < n; ++j) out[j] = std::tanh(x[j]);
    }
};

// Defined in exp_kernels_avx2.cpp (only built on x86-64).
double row_max_avx2(const double* x, std::size_t n);
double sum_exp_avx2(const double* x, double shift, std::size_t n);
double scaled_exp_avx2(const double* x, double shift, double scale, double* out, std::size_t n);
void tanh_values_avx2(const double* x, double* out, std::size_t n);

}  // namespace tapegrad::detail
