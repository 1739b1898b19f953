#include "ops/cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tapegrad {

std::size_t check_class_targets(const char* op, const Array& scores,
                                const std::vector<std::int64_t>& targets,
                                std::int64_t ignore_index) {
    if (scores.dimension() < 1 || scores.size() == 0) {
        throw std::invalid_argument(std::string(op) + ": " +
                                    "input must be a non-empty [..., V] array, got " +
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
    std::size_t counted = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        if (targets[r] == ignore_index) continue;
        if (targets[r] < 0 || static_cast<std::size_t>(targets[r]) >= V) {
            throw std::invalid_argument(
                std::string(op) + ": " + "target " + std::to_string(targets[r]) + " of row " +
                std::to_string(r) + " is out of range [0, " + std::to_string(V) +
                ") for input of shape " + shape_string(scores) + " (and is not ignore_index " +
                std::to_string(ignore_index) + ")");
        }
        ++counted;
    }
    return counted;
}

void CrossEntropy::forward(const Inputs<1>& in, Array& loss) {
    const Array& p = in[0];
    // B: the rows that count. With none, L = 0/0 = NaN, as torch.
    const std::size_t B = check_class_targets(name, p, targets, ignore_index);
    const std::size_t V = p.shape()[p.dimension() - 1];
    double sum = 0.0;
    for (std::size_t r = 0; r < targets.size(); ++r) {
        if (targets[r] == ignore_index) continue;
        sum -= std::log(p.data()[r * V + static_cast<std::size_t>(targets[r])]);
    }
    loss.resize(Shape{});  // scalar
    loss() = sum / static_cast<double>(B);
}

void CrossEntropy::backward(const Inputs<1>& in, const Array&, const Array& grad_loss,
                            GradTargets<1>& grad) {
    if (!grad[0].wanted()) return;
    const Array& p = in[0];
    const std::size_t V = p.shape()[p.dimension() - 1];
    std::size_t B = 0;  // rows not ignored (forward checked the targets)
    for (const std::int64_t t : targets) B += t != ignore_index;
    const double scale = grad_loss() / static_cast<double>(B);  // dL/dL / B
    Array& grad_p = grad[0].array();                            // [..., V]
    std::fill(grad_p.begin(), grad_p.end(), 0.0);
    for (std::size_t r = 0; r < targets.size(); ++r) {
        if (targets[r] == ignore_index) continue;  // an ignored row gets 0
        const std::size_t t = r * V + static_cast<std::size_t>(targets[r]);
        grad_p.data()[t] = -scale / p.data()[t];  // dL/dp[r, t_r] = -1 / (B p[r, t_r])
    }
}

}  // namespace tapegrad
