#include "ops/embedding.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tapegrad {

void Embedding::forward(const Inputs<1>& in, Array& y) {
    const Array& W = in[0];
    if (W.dimension() != 2 || W.size() == 0) {
        throw std::invalid_argument(
            "Embedding: the table W must be a non-empty [n, d] matrix; got W " + shape_string(W));
    }
    if (ids.empty())
        throw std::invalid_argument("Embedding: no token ids (W " + shape_string(W) + ")");
    const std::size_t n = W.shape()[0];
    const std::size_t d = W.shape()[1];
    for (std::size_t r = 0; r < ids.size(); ++r) {
        if (ids[r] >= n) {
            throw std::invalid_argument("Embedding: token id " + std::to_string(ids[r]) +
                                        " at position " + std::to_string(r) +
                                        " is out of range for W " + shape_string(W) +
                                        " (ids must be in [0, " + std::to_string(n) + "))");
        }
    }
    y.resize({ids.size(), d});  // [len, d]
    for (std::size_t r = 0; r < ids.size(); ++r)
        std::copy_n(W.data() + ids[r] * d, d, y.data() + r * d);
}

void Embedding::backward(const Inputs<1>&, const Array&, const Array& grad_y,
                         GradTargets<1>& grad) {
    GradTarget& grad_W = grad[0];
    if (!grad_W.wanted()) return;
    // dest <- alpha * scatter(grad_y) + beta * dest, written in place: first beta * dest, then
    // add the rows.
    Array& dest = grad_W.dest();  // [n, d]
    if (grad_W.beta() == 0.0) {
        dest.fill(0.0);
    } else if (grad_W.beta() != 1.0) {
        for (double& v : dest) v *= grad_W.beta();
    }
    const std::size_t d = dest.shape()[1];
    const double alpha = grad_W.alpha();
    for (std::size_t r = 0; r < ids.size(); ++r) {
        const double* g_row = grad_y.data() + r * d;
        double* dest_row = dest.data() + ids[r] * d;
        for (std::size_t j = 0; j < d; ++j) dest_row[j] += alpha * g_row[j];
    }
    grad_W.mark_written();
}

}  // namespace tapegrad
