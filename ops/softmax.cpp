#include "ops/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/kernels/exp_kernels.hpp"

namespace tapegrad {

namespace {

void check_logits(const Array& z) {
    if (z.dimension() == 0 || z.size() == 0) {
        throw std::invalid_argument("Softmax: z must be a non-empty array [..., V], got " +
                                    shape_string(z));
    }
}

}  // namespace

void Softmax::forward(const Inputs<1>& in, Array& p) {
    const Array& z = in[0];
    check_logits(z);
    p.resize(z.shape());  // [..., V]
    const std::size_t V = z.shape()[z.dimension() - 1];
    const std::size_t rows = z.size() / V;
    for (std::size_t r = 0; r < rows; ++r) {
        const double* z_row = z.data() + r * V;
        double* p_row = p.data() + r * V;
        const double m = row_max(z_row, V);
        const double sum = scaled_exp(z_row, m, 1.0, p_row, V);  // p_row = e^(z - m)
        for (std::size_t i = 0; i < V; ++i) p_row[i] /= sum;
    }
}

void Softmax::backward(const Inputs<1>&, const Array& p, const Array& grad_p,
                       GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    Array& grad_z = grad[0].array();  // [..., V]
    const std::size_t V = p.shape()[p.dimension() - 1];
    const std::size_t rows = p.size() / V;
    for (std::size_t r = 0; r < rows; ++r) {
        const double* p_row = p.data() + r * V;
        const double* grad_p_row = grad_p.data() + r * V;
        double* grad_z_row = grad_z.data() + r * V;
        double p_dot_grad_p = 0.0;  // sum_j p_j dL/dp_j
        for (std::size_t j = 0; j < V; ++j) p_dot_grad_p += p_row[j] * grad_p_row[j];
        // dL/dz_i = p_i (dL/dp_i - sum_j p_j dL/dp_j): the Jacobian diag(p) - p p^T applied
        for (std::size_t i = 0; i < V; ++i)
            grad_z_row[i] = p_row[i] * (grad_p_row[i] - p_dot_grad_p);
    }
}

Array softmax(const Array& z) {
    Array p;
    Softmax{}.forward(Inputs<1>({&z}), p);
    return p;
}

}  // namespace tapegrad
