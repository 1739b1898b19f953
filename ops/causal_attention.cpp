#include "ops/causal_attention.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/kernels/gemm.hpp"
#include "engine/kernels/parallel_for.hpp"
#include "ops/causal_softmax.hpp"

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

/// Head h's Q, K, V: [T, D] blocks of one sequence's qkv [T, 3C], rows 3C apart.
struct HeadBlocks {
    MatrixRef Q, K, V;
};
HeadBlocks head_blocks(const double* seq, std::size_t h, const Sizes& n) {
    const std::size_t C = n.C, D = n.D, T = n.T;
    return {{seq + h * D, T, D, 3 * C},
            {seq + C + h * D, T, D, 3 * C},
            {seq + 2 * C + h * D, T, D, 3 * C}};
}

/// The (sequence, head) pairs are independent: a range of whole pairs per thread, at least this
/// many in a range (a head's products are small: [T, D] by [D, T]).
constexpr std::size_t heads_per_range = 4;

}  // namespace

void CausalAttention::forward(const Inputs<1>& in, Array& y) {
    const Array& qkv = in[0];
    const Sizes n = sizes_of(qkv, H);
    const std::size_t T = n.T, C = n.C, D = n.D;
    const double c = 1.0 / std::sqrt(static_cast<double>(D));  // Scale's factor in the composition
    y.resize({n.B, T, C});                                     // [B, T, C]
    saved.P.resize({n.B, H, T, T});                            // [B, H, T, T]
    parallel_for(n.B * H, heads_per_range, [&](std::size_t first, std::size_t last) {
        for (std::size_t bh = first; bh < last; ++bh) {  // bh = b H + h
            const std::size_t b = bh / H, h = bh % H;
            const double* seq = qkv.data() + b * T * 3 * C;                // qkv[b]   [T, 3C]
            const HeadBlocks head = head_blocks(seq, h, n);                // Q, K, V [T, D]
            double* P = saved.P.data() + bh * T * T;                       // [T, T]
            gemm(head.Q, false, head.K, true, MutableMatrixRef{P, T, T});  // S = Q K^T
            for (std::size_t i = 0; i < T; ++i) {  // row i sees columns 0..i
                double* row = P + i * T;
                for (std::size_t j = 0; j <= i; ++j) row[j] = row[j] * c;  // S / sqrt(D)
                causal_softmax_row(row, i, T);                             // CausalSoftmax's
            }
            gemm(MatrixRef{P, T, T}, false, head.V, false,
                 MutableMatrixRef{y.data() + b * T * C + h * D, T, D, C});  // O = P V
        }
    });
}

void CausalAttention::backward(const Inputs<1>& in, const Array&, const Array& grad_y,
                               GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const Array& qkv = in[0];
    const Sizes n = sizes_of(qkv, H);
    const std::size_t T = n.T, C = n.C, D = n.D;
    const double c = 1.0 / std::sqrt(static_cast<double>(D));
    Array& grad_qkv = grad[0].array();   // [B, T, 3C], every element written below
    saved.dP.resize({threads(), T, T});  // [threads, T, T]: one [T, T] per range
    parallel_for(
        n.B * H, heads_per_range, [&](std::size_t first, std::size_t last, std::size_t range) {
            double* dP = saved.dP.data() + range * T * T;    // this range's [T, T]
            for (std::size_t bh = first; bh < last; ++bh) {  // bh = b H + h
                const std::size_t b = bh / H, h = bh % H;
                const double* seq = qkv.data() + b * T * 3 * C;  // qkv[b]   [T, 3C]
                double* grad_seq = grad_qkv.data() + b * T * 3 * C;
                const HeadBlocks head = head_blocks(seq, h, n);                  // Q, K, V [T, D]
                const MatrixRef dO{grad_y.data() + b * T * C + h * D, T, D, C};  // [T, D]
                const MatrixRef P{saved.P.data() + bh * T * T, T, T};            // [T, T]
                gemm(P, true, dO, false,
                     MutableMatrixRef{grad_seq + 2 * C + h * D, T, D, 3 * C});  // dV = P^T dO
                gemm(dO, false, head.V, true, MutableMatrixRef{dP, T, T});      // dP = dO V^T
                for (std::size_t i = 0; i < T;
                     ++i) {  // dP -> dS' (CausalSoftmax's) -> dS' / sqrt(D)
                    double* row = dP + i * T;
                    causal_softmax_row_backward(P.data + i * T, row, row, i, T);
                    for (std::size_t j = 0; j <= i; ++j) row[j] = row[j] * c;
                }
                const MatrixRef dS{dP, T, T};  // dS' / sqrt(D)
                gemm(dS, false, head.K, false,
                     MutableMatrixRef{grad_seq + h * D, T, D, 3 * C});  // dQ
                gemm(dS, true, head.Q, false,
                     MutableMatrixRef{grad_seq + C + h * D, T, D, 3 * C});  // dK
            }
        });
}

}  // namespace tapegrad
