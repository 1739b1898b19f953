// The AVX2 + FMA instances of the kernels. This file alone is compiled with -mavx2 -mfma
// (see CMakeLists.txt); exp_kernels.cpp calls it only after checking that the CPU has both.
// Nothing but these three functions is defined here, so no AVX2 code can leak into the rest
// of the program through a shared inline function.
#include "engine/kernels/exp_kernels_impl.hpp"

namespace tapegrad::detail {

#if defined(__x86_64__)
using Avx2 = ExpKernels<xsimd::fma3<xsimd::avx2>>;
#else
using Avx2 = ExpKernels<xsimd::default_arch>;  // never called: exp_kernels.cpp checks the CPU
#endif

double row_max_avx2(const double* x, std::size_t n) {
    return Avx2::row_max(x, n);
}
double sum_exp_avx2(const double* x, double shift, std::size_t n) {
    return Avx2::sum_exp(x, shift, n);
}
double scaled_exp_avx2(const double* x, double shift, double scale, double* out, std::size_t n) {
    return Avx2::scaled_exp(x, shift, scale, out, n);
}
void tanh_values_avx2(const double* x, double* out, std::size_t n) {
    Avx2::tanh_values(x, out, n);
}

}  // namespace tapegrad::detail
