#include "engine/inspect/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "engine/core/no_grad.hpp"

namespace tapegrad {

namespace {

/// L = sum_i w_i y_i: turns any output into the scalar gradcheck differentiates.
///   backward: dL/dy = dL/dL * w
struct WeightedSum {
    static constexpr const char* name = "gradcheck::WeightedSum";
    Array w;  // shape of y

    void forward(const Inputs<1>& in, Array& loss) {
        const Array& y = in[0];
        if (!shapes_equal(y.shape(), w.shape())) {
            throw std::invalid_argument(std::string(name) +
                                        ": the function's output changed shape from " +
                                        shape_string(w) + " to " + shape_string(y));
        }
        double sum = 0.0;
        for (std::size_t i = 0; i < y.size(); ++i) sum += w.data()[i] * y.data()[i];
        loss.resize(Shape{});  // scalar
        loss() = sum;
    }
    void backward(const Inputs<1>&, const Array&, const Array& grad_loss, GradTargets<1>& grad) {
        const Array grad_y = grad_loss() * w;  // shape of y
        grad[0].set(grad_y);
    }
};

/// Weights for an output of the given shape: 1 for a scalar (nothing can cancel), otherwise
/// pseudo-random in [0.5, 1.5] from a fixed seed. Built from the raw 64-bit generator output
/// (not std::uniform_real_distribution, whose algorithm differs between standard libraries),
/// so a check gives the same numbers everywhere.
Array output_weights(const Shape& shape, unsigned long long seed) {
    Array w(shape);  // shape of y
    if (w.size() == 1) {
        w.fill(1.0);
        return w;
    }
    std::mt19937_64 rng(seed);
    for (double& v : w) v = 0.5 + static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0.5, 1.5)
    return w;
}

std::vector<std::size_t> unravel(std::size_t flat, const Shape& shape) {
    std::vector<std::size_t> index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = flat % shape[d];
        flat /= shape[d];
    }
    return index;
}

bool all_elements_equal(const Array& a) {
    if (a.size() < 2) return false;
    return std::all_of(a.begin(), a.end(), [&](double v) { return v == *a.begin(); });
}

/// Equal within the check's own tolerance.
bool close(double a, double b, const GradcheckOptions& options) {
    return std::abs(a - b) <= options.atol + options.rtol * std::max(std::abs(a), std::abs(b));
}

/// The same gradient for every element (2 or more): then any permutation of it is right too.
bool uniform(const Array& g, const GradcheckOptions& options) {
    if (g.size() < 2) return false;
    return std::all_of(g.begin(), g.end(), [&](double v) { return close(v, *g.begin(), options); });
}

/// A square matrix equal to its transpose: then so is a backward that transposes it.
bool symmetric_matrix(const Array& g, const GradcheckOptions& options) {
    if (g.dimension() != 2 || g.shape()[0] != g.shape()[1] || g.shape()[0] < 2) return false;
    for (std::size_t i = 0; i < g.shape()[0]; ++i)
        for (std::size_t j = i + 1; j < g.shape()[1]; ++j)
            if (!close(g(i, j), g(j, i), options)) return false;
    return true;
}

}  // namespace

const char* to_string(GradcheckStatus status) {
    switch (status) {
        case GradcheckStatus::passed:
            return "passed";
        case GradcheckStatus::failed:
            return "failed";
        case GradcheckStatus::inconclusive:
            return "inconclusive";
    }
    return "?";
}

std::ostream& operator<<(std::ostream& out, GradcheckStatus status) {
    return out << to_string(status);
}

std::string GradcheckReport::summary() const {
    std::ostringstream out;
    out.precision(10);
    out << "gradcheck " << to_string(status) << ": " << elements_checked
        << " elements checked, loss L = " << loss;
    if (elements_checked > 0) {
        out << "; worst: input " << input << " at [";
        for (std::size_t d = 0; d < index.size(); ++d) out << (d ? ", " : "") << index[d];
        out << "] (flat " << flat_index << "): analytic " << analytic << ", numeric " << numeric
            << ", abs error " << abs_error << ", rel error " << rel_error << ", step " << step;
    }
    if (!reason.empty()) out << "; " << reason;
    return out.str();
}

GradcheckReport gradcheck(const TapeFunction& f, const std::vector<Array>& inputs,
                          const GradcheckOptions& options) {
    if (inputs.empty()) throw std::invalid_argument("gradcheck: no inputs to check");
    GradcheckReport report;

    // 1. Analytic: one recorded forward and one backward.
    Array w;  // the output weights, fixed by the first evaluation
    std::vector<Array> analytic;
    {
        Tape tape;
        std::vector<Tensor> x;
        for (std::size_t k = 0; k < inputs.size(); ++k)
            x.push_back(Tensor::parameter(inputs[k], "x" + std::to_string(k)));
        Tensor y = f(tape, x);
        if (!y.defined())
            throw std::invalid_argument("gradcheck: the function returned an empty Tensor");
        w = output_weights(y.shape(), options.seed);
        report.output_weighted = y.value().size() != 1;
        Tensor loss = tape.apply(WeightedSum{w}, y);
        report.loss = loss.value()();
        if (loss.requires_grad()) tape.backward(loss);  // else nothing depends on the inputs
        for (const Tensor& t : x) analytic.push_back(t.grad());
    }

    // 2. Numeric: L at x + h and x - h for every element, nothing recorded.
    std::vector<Tensor> x;
    for (const Array& value : inputs) x.emplace_back(value, false);
    auto evaluate = [&]() {
        Tape tape;
        NoGrad no_recording(tape);
        Tensor y = f(tape, x);
        if (!y.defined())
            throw std::invalid_argument("gradcheck: the function returned an empty Tensor");
        return tape.apply(WeightedSum{w}, y).value()();
    };

    // 3. Compare element by element; remember the one closest to (or furthest beyond) failing.
    double worst_ratio = -1.0;
    std::vector<std::string> zero_inputs, equal_inputs, uniform_inputs, symmetric_inputs;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        Array& value = x[k].value();
        Array numeric_grad(value.shape());  // shape of input k
        double max_abs_analytic = 0.0, max_abs_numeric = 0.0;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const double x0 = value.data()[i];
            const double h = options.step_scale * std::max(1.0, std::abs(x0));
            const double x_plus = x0 + h;
            const double x_minus = x0 - h;
            value.data()[i] = x_plus;
            const double loss_plus = evaluate();
            value.data()[i] = x_minus;
            const double loss_minus = evaluate();
            value.data()[i] = x0;
            const double numeric = (loss_plus - loss_minus) / (x_plus - x_minus);
            const double a = analytic[k].data()[i];
            numeric_grad.data()[i] = numeric;

            const double abs_error = std::abs(a - numeric);
            const double allowed = options.atol + options.rtol * std::abs(numeric);
            const double ratio = !std::isfinite(abs_error) ? std::numeric_limits<double>::infinity()
                                 : abs_error == 0.0        ? 0.0
                                 : allowed > 0.0           ? abs_error / allowed
                                                 : std::numeric_limits<double>::infinity();
            max_abs_analytic = std::max(max_abs_analytic, std::abs(a));
            max_abs_numeric = std::max(max_abs_numeric, std::abs(numeric));
            ++report.elements_checked;
            if (ratio > worst_ratio) {
                worst_ratio = ratio;
                report.input = k;
                report.flat_index = i;
                report.index = unravel(i, value.shape());
                report.analytic = a;
                report.numeric = numeric;
                report.abs_error = abs_error;
                const double scale = std::max(std::abs(a), std::abs(numeric));
                report.rel_error = scale > 0.0 ? abs_error / scale : 0.0;
                report.step = h;
                report.loss_plus = loss_plus;
                report.loss_minus = loss_minus;
                report.rounding = std::numeric_limits<double>::epsilon() *
                                  std::max(std::abs(loss_plus), std::abs(loss_minus)) / h;
            }
        }
        const std::string name = std::to_string(k);
        if (value.size() > 0 && max_abs_analytic <= options.atol &&
            max_abs_numeric <= options.atol) {
            zero_inputs.push_back(name);
        } else if (all_elements_equal(inputs[k])) {
            equal_inputs.push_back(name);
        } else if (uniform(numeric_grad, options)) {
            uniform_inputs.push_back(name);
        } else if (symmetric_matrix(numeric_grad, options)) {
            symmetric_inputs.push_back(name);
        }
    }

    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
        return s;
    };
    if (!std::isfinite(report.loss)) {
        report.status = GradcheckStatus::inconclusive;
        std::ostringstream reason;
        reason << "the loss L = " << report.loss
               << " is not finite at these inputs, so neither gradient means anything; look "
                  "for an infinite or huge fill (a -inf mask), log(0) or an overflow";
        report.reason = reason.str();
    } else if (worst_ratio > 1.0) {
        report.status = GradcheckStatus::failed;
        std::ostringstream reason;
        reason.precision(3);
        reason << "|analytic - numeric| > atol + rtol * |numeric| with atol = " << options.atol
               << ", rtol = " << options.rtol;
        const double allowed = options.atol + options.rtol * std::abs(report.numeric);
        if (!std::isfinite(report.loss_plus) || !std::isfinite(report.loss_minus)) {
            reason << "; L(x + h) = " << report.loss_plus << " and L(x - h) = " << report.loss_minus
                   << " there: the loss is not finite one step away from the input";
        } else if (report.rounding >= 0.1 * allowed) {
            reason << "; rounding L (|L| ~ "
                   << std::max(std::abs(report.loss_plus), std::abs(report.loss_minus))
                   << ") alone can make the numeric gradient wrong by ~" << report.rounding
                   << " at step " << report.step << ", against " << allowed
                   << " allowed: the loss is too large for finite differences here (e.g. a "
                      "-1e9 mask fill reaching L); the backward may well be right";
        }
        report.reason = reason.str();
    } else if (report.elements_checked == 0) {
        report.status = GradcheckStatus::inconclusive;
        report.reason = "the inputs hold no elements: nothing was checked";
    } else if (!zero_inputs.empty()) {
        report.status = GradcheckStatus::inconclusive;
        report.reason = "both gradients are zero everywhere for input(s) " + join(zero_inputs) +
                        ": a backward that ignores them would pass too; choose inputs where "
                        "they matter";
    } else if (!equal_inputs.empty()) {
        report.status = GradcheckStatus::inconclusive;
        report.reason = "all elements of input(s) " + join(equal_inputs) +
                        " are equal: a backward that swaps elements would pass too; use "
                        "distinct values";
    } else if (!uniform_inputs.empty()) {
        report.status = GradcheckStatus::inconclusive;
        report.reason = "the gradient is the same for every element of input(s) " +
                        join(uniform_inputs) +
                        ": a backward that swaps elements would pass too; use other values";
    } else if (!symmetric_inputs.empty()) {
        report.status = GradcheckStatus::inconclusive;
        report.reason = "the gradient of input(s) " + join(symmetric_inputs) +
                        " is a symmetric matrix: a backward that transposes it would pass too; "
                        "use other values";
    } else {
        report.status = GradcheckStatus::passed;
    }
    return report;
}

}  // namespace tapegrad
