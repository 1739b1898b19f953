#include "engine/optim/clip_grad_norm.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/core/number_string.hpp"
#include "engine/inspect/non_finite_error.hpp"

namespace tapegrad {

namespace {

// One gradient's 2-norm: sqrt of the sum of squares, summed in element order.
double norm2(const Array& g) {
    double sum = 0.0;
    const double* data = g.data();
    for (std::size_t j = 0; j < g.size(); ++j) sum += data[j] * data[j];
    return std::sqrt(sum);
}

// Over any list of parameters: tensor_of(i) gives the i-th tensor, name_of(i) its name (only
// for the error message).
template <class TensorOf, class NameOf>
double clip(std::size_t count, TensorOf tensor_of, NameOf name_of, double max_norm,
            bool error_if_nonfinite) {
    if (std::isnan(max_norm) || max_norm < 0.0)
        throw std::invalid_argument("clip_grad_norm: max_norm must be >= 0, got " +
                                    number_string(max_norm));
    // torch: torch.norm(torch.stack([torch.norm(g) for g in grads])), i.e. the norm of the
    // per-parameter norms, each squared again.
    double sum_of_squared_norms = 0.0;
    std::size_t first_non_finite = count;
    for (std::size_t i = 0; i < count; ++i) {
        const Tensor& p = tensor_of(i);
        if (!p.has_grad()) continue;
        const double n = norm2(p.grad());
        if (!std::isfinite(n) && first_non_finite == count) first_non_finite = i;
        sum_of_squared_norms += n * n;
    }
    const double total = std::sqrt(sum_of_squared_norms);
    if (!std::isfinite(total) && error_if_nonfinite) {
        const std::string where =
            first_non_finite < count
                ? "; the gradient of parameter " + std::to_string(first_non_finite) + " '" +
                      name_of(first_non_finite) + "' has norm " +
                      number_string(norm2(tensor_of(first_non_finite).grad()))
                : " (every per-parameter norm is finite; the sum of their squares overflows)";
        throw NonFiniteError("clip_grad_norm: the total norm of the gradients is " +
                             number_string(total) + where);
    }
    // torch: clip_coef = max_norm / (total_norm + 1e-6) with total_norm a tensor, which
    // Tensor.__rtruediv__ computes as (total_norm + 1e-6).reciprocal() * max_norm: two roundings.
    const double clip_coef = (1.0 / (total + 1e-6)) * max_norm;
    // torch.clamp(clip_coef, max=1.0): NaN stays NaN.
    const double clip_coef_clamped = clip_coef > 1.0 ? 1.0 : clip_coef;
    if (clip_coef_clamped == 1.0) return total;  // torch multiplies by 1.0: no change
    for (std::size_t i = 0; i < count; ++i) {
        const Tensor& p = tensor_of(i);
        if (!p.has_grad()) continue;
        Array& g = p.data().grad;
        double* data = g.data();
        for (std::size_t j = 0; j < g.size(); ++j) data[j] = data[j] * clip_coef_clamped;
    }
    return total;
}

}  // namespace

double clip_grad_norm(const std::vector<Tensor>& parameters, double max_norm,
                      bool error_if_nonfinite) {
    return clip(
        parameters.size(), [&](std::size_t i) -> const Tensor& { return parameters[i]; },
        [&](std::size_t i) { return parameters[i].name(); }, max_norm, error_if_nonfinite);
}

double clip_grad_norm(const NamedTensors& parameters, double max_norm, bool error_if_nonfinite) {
    return clip(
        parameters.size(), [&](std::size_t i) -> const Tensor& { return parameters[i].tensor; },
        [&](std::size_t i) { return parameters[i].name; }, max_norm, error_if_nonfinite);
}

}  // namespace tapegrad
