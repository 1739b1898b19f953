#pragma once
/// Shared helpers for the tests: tolerances, random arrays, central finite differences.

#include <cmath>
#include <functional>
#include <random>

#include <boost/test/unit_test.hpp>
#include <xtensor/xio.hpp>  // so a failing BOOST_TEST prints the arrays
#include <xtensor/xrandom.hpp>

#include "engine/core/array.hpp"
#include "engine/core/tape.hpp"
#include "examples/case_tool/max_abs_diff.hpp"

namespace tapegrad::test {

namespace tt = boost::test_tools;

/// Results that differ from an exact computation only by the rounding of a few double
/// operations: a handful of ulps of numbers of order 1.
constexpr double exact_tol = 1e-12;

/// Central differences with h ~ cbrt(eps) * scale: truncation error O(h^2) ~ 1e-11 and
/// rounding error O(eps / h) ~ 1e-11 balance there, so agreement to 1e-7 is a strict check
/// for smooth functions of O(1) values and a wrong backward is far off.
constexpr double fd_tol = 1e-7;

/// A random array with entries uniform in [lo, hi), reproducible by seed.
inline Array random_array(const Shape& shape, unsigned seed, double lo = -1.0, double hi = 1.0) {
    xt::random::seed(seed);
    Array a = xt::random::rand<double>(shape, lo, hi);  // [shape]
    return a;
}

/// dL/dx by central differences, element by element: (L(x + h e_i) - L(x - h e_i)) / 2h.
/// `loss` maps a value of x's shape to the scalar loss. Deliberately separate from the
/// library's gradcheck (which every op's tests run as well): an op's tests compare against
/// this plain loop too, so a bug in gradcheck cannot hide a bug in an op.
inline Array finite_difference(const std::function<double(const Array&)>& loss, const Array& x) {
    Array grad(x.shape());  // [shape of x]
    Array probe = x;        // [shape of x]
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double h = std::cbrt(2.2e-16) * std::max(1.0, std::abs(x.data()[i]));
        probe.data()[i] = x.data()[i] + h;
        const double up = loss(probe);
        probe.data()[i] = x.data()[i] - h;
        const double down = loss(probe);
        probe.data()[i] = x.data()[i];
        grad.data()[i] = (up - down) / (2.0 * h);
    }
    return grad;
}

/// A test-only op: L = sum_i w_i a_i with fixed random weights w, so dL/da = w.
/// Turns any op's output into a scalar loss whose gradient is known exactly and whose
/// weights are not symmetric (a plain sum would let errors cancel, e.g. softmax's rows
/// always sum to 1, so d(sum p)/dz = 0 whatever backward computes).
struct WeightedSum {
    static constexpr const char* name = "WeightedSum";
    Array w;  // [shape of a]

    void forward(const Inputs<1>& in, Array& loss) {
        BOOST_REQUIRE(shapes_equal(in[0].shape(), w.shape()));
        double sum = 0.0;
        for (std::size_t i = 0; i < w.size(); ++i) sum += w.data()[i] * in[0].data()[i];
        loss.resize(Shape{});
        loss() = sum;
    }
    void backward(const Inputs<1>&, const Array&, const Array& grad_loss, GradTargets<1>& grad) {
        const Array g = grad_loss() * w;  // [shape of a]
        grad[0].set(g);
    }
};

/// A test-only op with two inputs: L = sum w1 a + sum w2 b (dL/da = w1, dL/db = w2).
/// Applied to the same tensor twice it checks that both contributions add up.
struct WeightedPair {
    static constexpr const char* name = "WeightedPair";
    Array w1;  // [shape of a]
    Array w2;  // [shape of b]

    void forward(const Inputs<2>& in, Array& loss) {
        double sum = 0.0;
        for (std::size_t i = 0; i < w1.size(); ++i) sum += w1.data()[i] * in[0].data()[i];
        for (std::size_t i = 0; i < w2.size(); ++i) sum += w2.data()[i] * in[1].data()[i];
        loss.resize(Shape{});
        loss() = sum;
    }
    void backward(const Inputs<2>&, const Array&, const Array& grad_loss, GradTargets<2>& grad) {
        const Array g1 = grad_loss() * w1;  // [shape of a]
        const Array g2 = grad_loss() * w2;  // [shape of b]
        grad[0].set(g1);
        grad[1].set(g2);
    }
};

/// The largest |a - b| over all elements, NaN when any difference is NaN; throws on a shape
/// mismatch. The case tool's function (tests/test_max_abs_diff.cpp tests it), so that the
/// tests and the program measure agreement the same way.
using tapegrad::max_abs_diff;

/// Checks that `fn` throws std::invalid_argument whose message contains every fragment.
template <class F>
void check_invalid_argument(F&& fn, std::initializer_list<const char*> fragments) {
    try {
        fn();
        BOOST_ERROR("expected std::invalid_argument, nothing was thrown");
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        for (const char* f : fragments)
            BOOST_TEST(msg.find(f) != std::string::npos,
                       "message \"" << msg << "\" lacks \"" << f << "\"");
    }
}

}  // namespace tapegrad::test
