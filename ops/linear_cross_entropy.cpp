#include "ops/linear_cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/kernels/exp_kernels.hpp"
#include "engine/kernels/gemm.hpp"
#include "ops/linear.hpp"

namespace tapegrad {

namespace {

// Throws std::invalid_argument naming the op and every shape when x, W, b and the targets do
// not fit; returns B, the number of rows whose target is not ignore_index.
std::size_t check_inputs(const Array& x, const Array& W, const Array& b,
                         const std::vector<std::int64_t>& targets, std::int64_t ignore_index) {
    check_linear_shapes(LinearCrossEntropy::name, x, W, &b);
    const std::string shapes =
        "x " + shape_string(x) + ", W " + shape_string(W) + ", b " + shape_string(b);
    const std::size_t d = W.shape()[1];
    const std::size_t rows = x.size() / d;
    const std::size_t V = W.shape()[0];
    if (targets.size() != rows) {
        throw std::invalid_argument(std::string(LinearCrossEntropy::name) + ": " + shapes +
                                    ": x has " + std::to_string(rows) + " row(s) but " +
                                    std::to_string(targets.size()) + " target(s) were given");
    }
    std::size_t counted = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (targets[r] == ignore_index) continue;
        if (targets[r] < 0 || static_cast<std::size_t>(targets[r]) >= V) {
            throw std::invalid_argument(
                std::string(LinearCrossEntropy::name) + ": target " + std::to_string(targets[r]) +
                " of row " + std::to_string(r) + " is out of range [0, " + std::to_string(V) +
                ") for " + shapes + " (and is not ignore_index " + std::to_string(ignore_index) +
                ")");
        }
        ++counted;
    }
    return counted;
}

MatrixRef read_only(MutableMatrixRef m) {
    return {m.data, m.rows, m.cols};
}

}  // namespace

std::size_t LinearCrossEntropy::chunk_rows(std::size_t rows, std::size_t V,
                                           std::size_t chunk_bytes) {
    constexpr std::size_t blas_depth = 256;  // OpenBLAS's k-block for doubles (Haswell)
    std::size_t fit = chunk_bytes / (V * sizeof(double));
    if (fit >= blas_depth) fit -= fit % blas_depth;
    return std::clamp<std::size_t>(fit, 1, std::max<std::size_t>(rows, 1));
}

std::size_t LinearCrossEntropy::dW_block_rows(std::size_t n) {
    return std::max<std::size_t>(1, dW_pack_bytes / (n * sizeof(double)));
}

void LinearCrossEntropy::forward(const Inputs<3>& in, Array& loss) {
    const double sum = run_chunks(in);
    loss.resize(Shape{});  // scalar
    loss() = sum / static_cast<double>(saved.counted);
}

double LinearCrossEntropy::run_chunks(const Inputs<3>& in) {
    const Array& x = in[0];
    const Array& W = in[1];
    const Array& b = in[2];
    // B: the rows that count. With none, L = 0/0 = NaN and every gradient 0, as torch.
    const std::size_t B = check_inputs(x, W, b, targets, ignore_index);
    const std::size_t V = W.shape()[0];
    const std::size_t d = W.shape()[1];
    const std::size_t rows = targets.size();
    const std::size_t chunk = chunk_rows(rows, V, chunk_bytes);
    saved.counted = B;
    saved.handed_over = false;
    // Same shapes every step: resize keeps the memory of the previous step's saved state (or
    // of the gradient buffers backward swapped in).
    saved.logits.resize(Shape{chunk, V});  // [chunk_rows, V]
    saved.grad_x.resize(x.shape());        // [..., d]
    saved.grad_W.resize(W.shape());        // [V, d]
    saved.grad_b.resize(b.shape());        // [V]
    std::fill(saved.grad_b.begin(), saved.grad_b.end(), 0.0);
    double* grad_b = saved.grad_b.data();
    const double inv_B = 1.0 / static_cast<double>(B);  // inf when B = 0: then unused

    double sum = 0.0;
    for (std::size_t start = 0; start < rows; start += chunk) {
        const std::size_t n = std::min(chunk, rows - start);    // the last chunk may be short
        const MatrixRef x_c{x.data() + start * d, n, d};        // [n, d]
        const MutableMatrixRef Z_c{saved.logits.data(), n, V};  // [n, V]
        const MutableMatrixRef dX_c{saved.grad_x.data() + start * d, n, d};  // [n, d]

        // Z_c = x_c W^T + b: the bias in every row, then BLAS adds x_c W^T on top (beta = 1).
        for (std::size_t r = 0; r < n; ++r) std::copy(b.begin(), b.end(), Z_c.data + r * V);
        gemm(x_c, false, rows_of(W), true, Z_c, 1.0, 1.0);

        // The loss terms, and G_c = (p - y) / B in place of Z_c.
        for (std::size_t r = 0; r < n; ++r) {
            double* z = Z_c.data + r * V;
            const std::int64_t target = targets[start + r];
            if (target == ignore_index) {  // no loss, no gradient: a zero row of G
                std::fill(z, z + V, 0.0);
                continue;
            }
            const auto t = static_cast<std::size_t>(target);
            // log sum_j e^(z_j) = m + log sum_j e^(z_j - m): no exponent is positive (no
            // overflow) and the largest term is exactly 1 (no total underflow).
            const double m = row_max(z, V);
            const double z_t = z[t];
            const double s = scaled_exp(z, m, 1.0, z, V);  // z_j <- e^(z_j - m); s = their sum
            sum += m + std::log(s) - z_t;                  // -log p[r, t_r]
            const double inv_s = 1.0 / s;
            for (std::size_t j = 0; j < V; ++j) {
                const double p = z[j] * inv_s;        // softmax p[r, j]
                const double y = j == t ? 1.0 : 0.0;  // one-hot target y[r, j]
                z[j] = (p - y) * inv_B;               // G = (p - y) / B
                grad_b[j] += z[j];                    // dL/db = sum over rows of G
            }
        }

        const MatrixRef G_c = read_only(Z_c);
        gemm(G_c, false, rows_of(W), false, dX_c, 1.0, 0.0);  // dX_c = G_c W     [n, d]
        // dW += G_c^T x_c   [V, d], in blocks of vocabulary rows (see dW_block_rows).
        const std::size_t block = dW_block_rows(n);
        for (std::size_t v = 0; v < V; v += block) {
            const std::size_t m = std::min(block, V - v);
            const MatrixRef G_cv{G_c.data + v, n, m, V};                     // [n, m], rows V apart
            const MutableMatrixRef dW_v{saved.grad_W.data() + v * d, m, d};  // [m, d]
            gemm(G_cv, true, x_c, false, dW_v, 1.0, start == 0 ? 0.0 : 1.0);
        }
    }
    return sum;
}

void LinearCrossEntropy::backward(const Inputs<3>& in, const Array&, const Array& grad_loss,
                                  GradTargets<3>& grad) {
    // A second backward over this recording: the first one handed the gradients over.
    if (saved.handed_over) run_chunks(in);
    // Forward computed every gradient for dL/dL = 1; the chain rule only scales them.
    const double g = grad_loss();
    if (g == 1.0) {
        bool swapped = grad[0].take(saved.grad_x);        // dL/dx = G W      [..., d]
        swapped = grad[1].take(saved.grad_W) || swapped;  // dL/dW = G^T x    [V, d]
        swapped = grad[2].take(saved.grad_b) || swapped;  // dL/db            [V]
        saved.handed_over = swapped;
        return;
    }
    grad[0].set(g * saved.grad_x);  // [..., d]
    grad[1].set(g * saved.grad_W);  // [V, d]
    grad[2].set(g * saved.grad_b);  // [V]
}

}  // namespace tapegrad
