#pragma once
/// Helpers for the op tests of the attention building blocks: an op's output without a tape,
/// its gradients through a tape for L = sum w y, and the same gradients by central differences
/// (finite_difference from test_helpers.hpp, independent of the library's gradcheck).

#include <array>
#include <cstddef>
#include <string>
#include <utility>

#include "test_helpers.hpp"

namespace tapegrad::test {

namespace detail {
template <class Op, std::size_t N, std::size_t... I>
Array forward_of(const Op& op, const std::array<Array, N>& x, std::index_sequence<I...>) {
    Tape tape;
    return tape.apply(op, Tensor(x[I])...).value();
}
template <class Op, std::size_t N, std::size_t... I>
std::array<Array, N> gradients_of(const Op& op, const std::array<Array, N>& x, const Array& w,
                                  std::index_sequence<I...>) {
    Tape tape;
    std::array<Tensor, N> t{Tensor::parameter(x[I], "x" + std::to_string(I))...};
    tape.backward(tape.apply(WeightedSum{w}, tape.apply(op, t[I]...)));
    return {t[I].grad()...};
}
}  // namespace detail

/// y = op(x_0, ..., x_{N-1}), computed once without recording.
template <class Op, std::size_t N>
Array forward_of(const Op& op, const std::array<Array, N>& x) {
    return detail::forward_of(op, x, std::make_index_sequence<N>{});
}

/// dL/dx_i for L = sum w y from the op's backward (through a tape).
template <class Op, std::size_t N>
std::array<Array, N> gradients_of(const Op& op, const std::array<Array, N>& x, const Array& w) {
    return detail::gradients_of(op, x, w, std::make_index_sequence<N>{});
}

/// dL/dx_k for L = sum w y by central differences.
template <class Op, std::size_t N>
Array numeric_gradient(const Op& op, const std::array<Array, N>& x, std::size_t k, const Array& w) {
    return finite_difference(
        [&](const Array& xk) {
            std::array<Array, N> probe = x;
            probe[k] = xk;
            const Array y = forward_of(op, probe);  // [shape of w]
            double L = 0.0;
            for (std::size_t i = 0; i < w.size(); ++i) L += w.data()[i] * y.data()[i];
            return L;
        },
        x[k]);
}

/// Checks every input's gradient against central differences to fd_tol.
template <class Op, std::size_t N>
void check_against_finite_differences(const Op& op, const std::array<Array, N>& x, const Array& w) {
    const std::array<Array, N> analytic = gradients_of(op, x, w);
    for (std::size_t k = 0; k < N; ++k)
        BOOST_TEST(max_abs_diff(analytic[k], numeric_gradient(op, x, k, w)) < fd_tol,
                   "input " << k);
}

}  // namespace tapegrad::test
