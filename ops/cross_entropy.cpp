#include "ops/cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tapegrad {

void check_class_targets(const char* op, const Array& scores,
                         const std::vector<std::size_t>& targets) {
    if ((scores.dimension() != 1 && scores.dimension() != 2) || scores.size() == 0) {
        throw std::invalid_argument(std::string(op) + ": " +
                                    "input must be a non-empty [V] or [B, V] array, got " +
                                    shape_string(scores));
    }
    const std::size_t V = scores.shape()[scores.dimension() - 1];
    const std::size_t rows = scores.size() / V;
    if (targets.size() != rows) {
        throw std::invalid_argument(std::string(op) + ": " + "input of shape " +
                                    shape_string(scores) + " has " + std::to_string(rows) +
                                    " row(s) but " + std::to_string(targets.size()) +
                                    " target(s) were given");
    }
    for (std::size_t r = 0; r < rows; ++r) {
        if (targets[r] >= V) {
            throw std::invalid_argument(
                std::string(op) + ": " + "target " + std::to_string(targets[r]) + " of row " +
                std::to_string(r) + " is out of range [0, " + std::to_string(V) +
                ") for input of shape " + shape_string(scores));
        }
    }
}

void CrossEntropy::forward(const Inputs<1>& in, Array& loss) {
    const Array& p = in[0];
    check_class_targets(name, p, targets);
    const std::size_t V = p.shape()[p.dimension() - 1];
    const std::size_t B = targets.size();
    double sum = 0.0;
    for (std::size_t r = 0; r < B; ++r) sum -= std::log(p.data()[r * V + targets[r]]);
    loss.resize(Shape{});  // scalar
    loss() = sum / static_cast<double>(B);
}

void CrossEntropy::backward(const Inputs<1>& in, const Array&, const Array& grad_loss,
                            GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const Array& p = in[0];
    const std::size_t V = p.shape()[p.dimension() - 1];
    const std::size_t B = targets.size();
    const double scale = grad_loss() / static_cast<double>(B);  // dL/dL / B
    Array& grad_p = grad[0].array();                            // [B, V] or [V]
    std::fill(grad_p.begin(), grad_p.end(), 0.0);
    for (std::size_t r = 0; r < B; ++r) {
        const std::size_t t = r * V + targets[r];
        grad_p.data()[t] = -scale / p.data()[t];  // dL/dp[r, t_r] = -1 / (B p[r, t_r])
    }
}

}  // namespace tapegrad
