#include "engine/kernels/exp_kernels.hpp"

#include "engine/kernels/exp_kernels_impl.hpp"

namespace tapegrad {

namespace {

#if defined(__x86_64__)
using Baseline = detail::ExpKernels<xsimd::sse2>;
// Decided once per process: does this CPU run the AVX2 + FMA instances?
const bool use_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
using Baseline = detail::ExpKernels<xsimd::default_arch>;
const bool use_avx2 = false;
#endif

}  // namespace

double row_max(const double* x, std::size_t n) {
    return use_avx2 ? detail::row_max_avx2(x, n) : Baseline::row_max(x, n);
}

double sum_exp(const double* x, double shift, std::size_t n) {
    return use_avx2 ? detail::sum_exp_avx2(x, shift, n) : Baseline::sum_exp(x, shift, n);
}

double scaled_exp(const double* x, double shift, double scale, double* out, std::size_t n) {
    return use_avx2 ? detail::scaled_exp_avx2(x, shift, scale, out, n)
                    : Baseline::scaled_exp(x, shift, scale, out, n);
}

void tanh_values(const double* x, double* out, std::size_t n) {
    if (use_avx2)
        detail::tanh_values_avx2(x, out, n);
    else
        Baseline::tanh_values(x, out, n);
}

}  // namespace tapegrad
