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
    if (!ids_shape.empty()) {
        std::size_t count = 1;
        for (const std::size_t n_i : ids_shape) count *= n_i;
        if (count != ids.size()) {
            Shape s(ids_shape.begin(), ids_shape.end());
            throw std::invalid_argument("Embedding: ids_shape " + shape_string(s) + " holds " +
                                        std::to_string(count) + " ids but " +
                                        std::to_string(ids.size()) + " were given (W " +
                                        shape_string(W) + ")");
        }
    }
    Shape y_shape(ids_shape.begin(), ids_shape.end());
    if (ids_shape.empty()) y_shape.push_back(ids.size());
    y_shape.push_back(d);
    y.resize(y_shape);  // [len, d] or [ids_shape..., d]
    for (std::size_t r = 0; r < ids.size(); ++r)
        std::copy_n(W.data() + ids[r] * d, d, y.data() + r * d);
}

void Embedding::backward(const Inputs<1>&, const Array&, const Array& grad_y,
                         GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    Array& grad_W = grad[0].array();  // [n, d]
    std::fill(grad_W.begin(), grad_W.end(), 0.0);
    const std::size_t d = grad_W.shape()[1];
    for (std::size_t r = 0; r < ids.size(); ++r) {  // dL/dW[ids[r], :] += dL/dy[r, :]
        const double* grad_y_row = grad_y.data() + r * d;
        double* grad_W_row = grad_W.data() + ids[r] * d;
        for (std::size_t j = 0; j < d; ++j) grad_W_row[j] += grad_y_row[j];
    }
}

}  // namespace tapegrad
