#include "ops/causal_attention.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/kernels/exp_kernels.hpp"
#include "engine/kernels/gemm.hpp"

namespace tapegrad {

namespace {

/// The sizes of qkv [B, T, 3C] with H heads.
struct Sizes {
    std::size_t B, T, C, H, D;
};

Sizes sizes_of(const Array& qkv, std::size_t H) {
    const Shape& s = qkv.shape();
    if (s.size() != 3 || s[2] == 0 || s[2] % 3 != 0 || H == 0 || (s[2] / 3) % H != 0) {
        throw std::invalid_argument(std::string(CausalAttention::name) +
                                    ": qkv must be [B, T, 3C] with C > 0 divisible by H; got qkv " +
                                    shape_string(s) + ", H = " + std::to_string(H));
    }
    return {s[0], s[1], s[2] / 3, H, s[2] / 3 / H};
}

}  // namespace

void CausalAttention::forward(const Inputs<1>& in, Array& y) {
    const Array& qkv = in[0];
    const Sizes n = sizes_of(qkv, H);
    const std::size_t T = n.T, C = n.C, D = n.D;
    const double c = 1.0 / std::sqrt(static_cast<double>(D));  // Scale's factor in the composition
    y.resize({n.B, T, C});                                     // [B, T, C]
    saved.P.resize({n.B, H, T, T});                            // [B, H, T, T]
    for (std::size_t b = 0; b < n.B; ++b) {
        const double* seq = qkv.data() + b * T * 3 * C;  // qkv[b]   [T, 3C]
        for (std::size_t h = 0; h < H; ++h) {
            const MatrixRef Q{seq + h * D, T, D, 3 * C};          // [T, D], rows 3C apart
            const MatrixRef K{seq + C + h * D, T, D, 3 * C};      // [T, D]
            const MatrixRef V{seq + 2 * C + h * D, T, D, 3 * C};  // [T, D]
            double* P = saved.P.data() + (b * H + h) * T * T;     // [T, T]
            gemm(Q, false, K, true, MutableMatrixRef{P, T, T});   // S = Q K^T
            for (std::size_t i = 0; i < T; ++i) {                 // row i sees columns 0..i
                double* row = P + i * T;
                for (std::size_t j = 0; j <= i; ++j) row[j] = row[j] * c;  // S / sqrt(D)
                const double m = row_max(row, i + 1);
                const double sum = scaled_exp(row, m, 1.0, row, i + 1);  // e^(S' - m), j <= i
                for (std::size_t j = 0; j <= i; ++j) row[j] /= sum;
                std::fill(row + i + 1, row + T, 0.0);  // j > i: masked, exactly 0
            }
            gemm(MatrixRef{P, T, T}, false, V, false,
                 MutableMatrixRef{y.data() + b * T * C + h * D, T, D, C});  // O = P V
        }
    }
}

void CausalAttention::backward(const Inputs<1>& in, const Array&, const Array& grad_y,
                               GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const Array& qkv = in[0];
    const Sizes n = sizes_of(qkv, H);
    const std::size_t T = n.T, C = n.C, D = n.D;
    const double c = 1.0 / std::sqrt(static_cast<double>(D));
    Array& grad_qkv = grad[0].array();  // [B, T, 3C], every element written below
    saved.dP.resize({T, T});            // [T, T]
    double* dP = saved.dP.data();
    for (std::size_t b = 0; b < n.B; ++b) {
        const double* seq = qkv.data() + b * T * 3 * C;  // qkv[b]   [T, 3C]
        double* grad_seq = grad_qkv.data() + b * T * 3 * C;
        for (std::size_t h = 0; h < H; ++h) {
            const MatrixRef Q{seq + h * D, T, D, 3 * C};
            const MatrixRef K{seq + C + h * D, T, D, 3 * C};
            const MatrixRef V{seq + 2 * C + h * D, T, D, 3 * C};
            const MatrixRef dO{grad_y.data() + b * T * C + h * D, T, D, C};  // [T, D]
            const MatrixRef P{saved.P.data() + (b * H + h) * T * T, T, T};   // [T, T]
            gemm(P, true, dO, false, MutableMatrixRef{grad_seq + 2 * C + h * D, T, D, 3 * C});
            gemm(dO, false, V, true, MutableMatrixRef{dP, T, T});  // dP = dO V^T
            for (std::size_t i = 0; i < T; ++i) {  // dP -> dS' -> dS' / sqrt(D), row by row
                const double* P_row = P.data + i * T;
                double* row = dP + i * T;
                double p_dot_dp = 0.0;  // sum_{k <= i} P[i, k] dP[i, k]
                for (std::size_t k = 0; k <= i; ++k) p_dot_dp += P_row[k] * row[k];
                for (std::size_t j = 0; j <= i; ++j) row[j] = P_row[j] * (row[j] - p_dot_dp);
                std::fill(row + i + 1, row + T, 0.0);  // masked scores do not reach L
                for (std::size_t j = 0; j <= i; ++j) row[j] = row[j] * c;
            }
            const MatrixRef dS{dP, T, T};  // dS' / sqrt(D)
            gemm(dS, false, K, false, MutableMatrixRef{grad_seq + h * D, T, D, 3 * C});     // dQ
            gemm(dS, true, Q, false, MutableMatrixRef{grad_seq + C + h * D, T, D, 3 * C});  // dK
        }
    }
}

}  // namespace tapegrad
