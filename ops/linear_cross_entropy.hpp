#pragma once
/// LinearCrossEntropy: the output layer and its loss fused, Linear -> SoftmaxCrossEntropy in
/// one node that never holds the logits of all rows.
///
///   forward:   L = -(1/B) sum_r log p[r, t_r],   p = softmax(z),   z = x W^T + b
///              x [..., d] (every leading index one row), W [V, d], b [V], targets: one per
///              row (ignore_index, default -100, marks a row that counts for nothing; B is
///              the number of the other rows), L scalar
///   backward:  dL/dx = G W                       [..., d]
///              dL/dW = G^T x                     [V, d]
///              dL/db = sum over rows of G        [V]
///              G = (p - y) / B                   (y = one-hot of the targets; 0 in ignored
///                                                 rows), all three times the incoming dL/dL
///
/// Why: at a realistic token batch the logits are the memory of the last layer. At
/// (rows, d, V) = (8192, 768, 32000) in float64 one rows x V array is 2,000 MiB while x, dL/dx,
/// W and dL/dW are 471 MiB together; Linear -> SoftmaxCrossEntropy keeps z, e^(z - m) and
/// dL/dz of that size. Here (as Liger-Kernel's fused linear cross-entropy does on GPUs) the rows
/// go through in chunks x_c of at most `chunk_rows` rows, and forward computes, per chunk:
///
///     Z_c = x_c W^T + b                 gemm            [n, V]   (the one chunk buffer)
///     loss terms m + log sum_j e^(z_j - m) - z_t, m the row maximum (exact at logits +-1000)
///     G_c = (p_c - y_c) / B             in place over Z_c
///     dX_c = G_c W                      gemm            [n, d]   (rows of saved.grad_x)
///     dW  += G_c^T x_c                  gemm, beta = 1  [V, d]   (saved.grad_W, in blocks)
///     db  += column sums of G_c                         [V]      (saved.grad_b)
///
/// so all three gradients exist when forward returns; backward only hands them over (dL/dL =
/// 1: grad[i].take swaps the buffers, no copy) or scales them by dL/dL. Three GEMMs in total,
/// as the unfused step, BLAS calls per chunk (dW's in blocks) with the transposes as flags. Forward
/// computes the gradients whether or not anyone asks for them (inside NoGrad too): for
/// evaluation only, Linear -> SoftmaxCrossEntropy is cheaper. A second backward over the same
/// recording (after a take, `saved` no longer holds the gradients) runs the chunks again.
///
/// Memory. Only one chunk of logits is alive, saved.logits [chunk_rows, V], with
///
///     n = floor(chunk_bytes / (8 V))                              (8 = sizeof(double))
///     chunk_rows = clamp(n >= 256 ? 256 floor(n / 256) : n, 1, rows)
///
/// The rounding to a multiple of 256 keeps whole the blocks in which BLAS walks a product's
/// inner dimension (OpenBLAS's double-precision kernels here take 256): dW += G_c^T x_c has
/// the chunk's rows as that dimension, and 262 rows would be split into 132 + 130, two passes
/// over all of dW instead of one. dW += G_c^T x_c goes in blocks of dW_block_rows(n) rows of
/// dW (vocabulary entries) per BLAS call: OpenBLAS packs the G_c columns of one call whole, a
/// copy of n x V doubles (measured: 62.5 MiB of RSS at n = 256, V = 32000, in one call);
/// blocks keep it to dW_pack_bytes (8 MiB), at the same speed, and every element of dW is the
/// same sum over the chunk's rows in the same order. chunk_bytes defaults to 64 MiB (256 rows at V
/// = 32000): enough rows for the GEMMs to run at full speed, small beside W. Besides the inputs the
/// op holds, from step to step (in `saved`, so a replayed tape allocates nothing at size):
///
///     chunk_rows V + rows d + V d + V doubles  (one chunk, dL/dx, dL/dW, dL/db)
///
/// and backward hands the gradients over without a copy (GradTarget::take swaps the op's buffer
/// with the tensor's gradient buffer, which the op then fills the next step). So from step to
/// step dL/dx, dL/dW and dL/db exist twice, once in `saved` and once in the tensors' gradients.
///
/// All rows ignored: B = 0, L = 0/0 = NaN and every gradient 0, as torch and
/// SoftmaxCrossEntropy.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"
#include "ops/class_targets.hpp"

namespace tapegrad {

struct LinearCrossEntropy {
    static constexpr const char* name = "LinearCrossEntropy";
    static constexpr const char* forward_formula =
        "L = -(1/B) sum_r log p[r, t_r],  p = softmax(x W^T + b)   (in row chunks)";
    static constexpr const char* backward_formula =
        "dL/dx = G W,  dL/dW = G^T x,  dL/db = sum over rows of G,  G = (p - y) / B   "
        "(computed in forward)";
    /// The default memory budget of the one chunk of logits: 64 MiB.
    static constexpr std::size_t default_chunk_bytes = std::size_t{64} << 20;

    std::vector<std::int64_t> targets;                 // one class index per row, 0-based
    std::int64_t ignore_index = default_ignore_index;  // a target that marks a row to skip
    std::size_t chunk_bytes = default_chunk_bytes;     // budget of the chunk of logits
    struct Saved {
        Array logits;  // Z_c, then G_c in place, for one chunk                 [chunk_rows, V]
        Array grad_x;  // G W                                                   [..., d]
        Array grad_W;  // G^T x                                                 [V, d]
        Array grad_b;  // sum over rows of G                                    [V]
        std::size_t counted = 0;   // B: the rows not ignored
        bool handed_over = false;  // backward swapped a gradient out of `saved`
    } saved{};

    /// The rows per chunk: n = floor(chunk_bytes / (8 V)), rounded down to a multiple of 256
    /// when at least 256, then clamped to [1, rows].
    static std::size_t chunk_rows(std::size_t rows, std::size_t V, std::size_t chunk_bytes);
    /// What OpenBLAS's copy of G_c may take in one dW product: 8 MiB.
    static constexpr std::size_t dW_pack_bytes = std::size_t{8} << 20;
    /// The rows of dW per BLAS call for a chunk of n rows: floor(dW_pack_bytes / (8 n)), >= 1.
    static std::size_t dW_block_rows(std::size_t n);

    void forward(const Inputs<3>& in, Array& loss);
    /// The chunks: the loss terms' sum into the return value, the gradients into `saved`.
    double run_chunks(const Inputs<3>& in);
    void backward(const Inputs<3>& in, const Array& loss, const Array& grad_loss,
                  GradTargets<3>& grad);
};

/// L = cross-entropy of softmax(x W^T + b) against `targets`, one node, in row chunks.
inline Tensor linear_cross_entropy(
    Tape& tape, const Tensor& x, const Tensor& W, const Tensor& b, ClassTargets targets,
    std::int64_t ignore_index = default_ignore_index,
    std::size_t chunk_bytes = LinearCrossEntropy::default_chunk_bytes) {
    return tape.apply(LinearCrossEntropy{std::move(targets.values), ignore_index, chunk_bytes}, x,
                      W, b);
}

}  // namespace tapegrad
