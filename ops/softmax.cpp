#include "ops/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/kernels/exp_kernels.hpp"

namespace tapegrad {

namespace {

void check_logits(const Array& z) {
    if ((z.dimension() != 1 && z.dimension() != 2) || z.size() == 0) {
        throw std::invalid_argument("Softmax: z must be a non-empty [V] or [B, V] array, got " +
                                    shape_string(z));
    }
}

}  // namespace

void Softmax::forward(const Inputs<1>& in, Array& p) {
    const Array& z = in[0];
    check_logits(z);
    p.resize(z.shape());  // [B, V] or [V]
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
    const std::size_t V = p.shape()[p.dimension() - 1];
    const std::size_t rows = p.size() / V;
    auto write_grad_z = [&](double* grad_z) {
        for (std::size_t r = 0; r < rows; ++r) {
            const double* p_row = p.data() + r * V;
            const double* g_row = grad_p.data() + r * V;
            double* out = grad_z + r * V;
            double p_dot_g = 0.0;  // sum_j p_j dL/dp_j
            for (std::size_t j = 0; j < V; ++j) p_dot_g += p_row[j] * g_row[j];
            for (std::size_t i = 0; i < V; ++i) out[i] = p_row[i] * (g_row[i] - p_dot_g);
        }
    };
    if (grad[0].overwrites()) {  // the usual case: straight into the engine's buffer
        write_grad_z(grad[0].dest().data());
        grad[0].mark_written();
    } else {  // z also feeds another node: build dL/dz, then let the target add it
        Array grad_z(p.shape());  // [B, V] or [V]
        write_grad_z(grad_z.data());
        grad[0].set(grad_z);
    }
}

Array softmax(const Array& z) {
    Array p;
    Softmax{}.forward(Inputs<1>({&z}), p);
    return p;
}

}  // namespace tapegrad
