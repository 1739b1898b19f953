#include "ops/causal_softmax.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "engine/kernels/exp_kernels.hpp"

namespace tapegrad {

void causal_softmax_row(double* row, std::size_t i, std::size_t T) {
    const double m = row_max(row, i + 1);
    const double sum = scaled_exp(row, m, 1.0, row, i + 1);  // e^(S - m), j <= i
    for (std::size_t j = 0; j <= i; ++j) row[j] /= sum;
    std::fill(row + i + 1, row + T, 0.0);  // j > i: masked, exactly 0
}

void causal_softmax_row_backward(const double* P, const double* g, double* out, std::size_t i,
                                 std::size_t T) {
    double p_dot_g = 0.0;  // sum_{k <= i} P[i, k] dL/dP[i, k]
    for (std::size_t k = 0; k <= i; ++k) p_dot_g += P[k] * g[k];
    for (std::size_t j = 0; j <= i; ++j) out[j] = P[j] * (g[j] - p_dot_g);
    std::fill(out + i + 1, out + T, 0.0);  // masked scores do not reach L
}

void CausalSoftmax::forward(const Inputs<1>& in, Array& P) {
    const Array& S = in[0];
    const std::size_t rank = S.dimension();
    if (rank < 2 || S.shape()[rank - 1] != S.shape()[rank - 2] || S.size() == 0) {
        throw std::invalid_argument(std::string(name) +
                                    ": S must be non-empty square scores [..., T, T]; got S " +
                                    shape_string(S));
    }
    const std::size_t T = S.shape()[rank - 1];
    const std::size_t rows = S.size() / T;  // every (..., i)
    P.resize(S.shape());                    // [..., T, T]
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t i = r % T;  // the row's position: it sees columns 0..i
        const double* S_row = S.data() + r * T;
        double* P_row = P.data() + r * T;
        std::copy(S_row, S_row + i + 1, P_row);  // masked scores are never read
        causal_softmax_row(P_row, i, T);
    }
}

void CausalSoftmax::backward(const Inputs<1>&, const Array& P, const Array& grad_P,
                             GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    Array& grad_S = grad[0].array();  // [..., T, T]
    const std::size_t T = P.shape()[P.dimension() - 1];
    const std::size_t rows = P.size() / T;
    for (std::size_t r = 0; r < rows; ++r) {
        causal_softmax_row_backward(P.data() + r * T, grad_P.data() + r * T, grad_S.data() + r * T,
                                    r % T, T);
    }
}

}  // namespace tapegrad
