#pragma once
/// What a test of a new op needs, installed with the package (ops/README.md, "Testing it with
/// gradcheck"): random inputs from a seed, a weighted scalar of a non-scalar output, the
/// values of a list of tensors, and gradcheck itself.
///
///     #include "engine/inspect/testing.hpp"
///     const GradcheckReport r = gradcheck_op(Tanh{}, random_array({2, 5}, seed, -2.0, 2.0));
///
/// tests/consumer compiles the README's snippet against an installed tapegrad, so this API and
/// the guide cannot drift apart.

#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/array.hpp"
#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tensor.hpp"
#include "engine/inspect/gradcheck.hpp"

namespace tapegrad {

/// An array of `shape` with entries uniform in [lo, hi), the same for the same seed on every
/// platform: raw 64-bit numbers of std::mt19937_64 (specified bit for bit), mapped to doubles
/// with 53 random bits (std::uniform_real_distribution is not specified bit for bit).
inline Array random_array(const Shape& shape, unsigned seed, double lo = -1.0, double hi = 1.0) {
    std::mt19937_64 engine(seed);
    Array a(shape);  // [shape]
    for (double& v : a) {
        const double unit = static_cast<double>(engine() >> 11) * 0x1.0p-53;  // [0, 1)
        v = lo + (hi - lo) * unit;
    }
    return a;
}

/// A test op: L = sum_i w_i a_i with fixed weights w, so dL/da = w exactly. Turns any op's
/// output into a scalar loss whose gradient is known and whose weights are not symmetric (a
/// plain sum would let errors cancel: softmax's rows always sum to 1, so d(sum p)/dz = 0
/// whatever backward computes).
struct WeightedSum {
    static constexpr const char* name = "WeightedSum";
    static constexpr const char* forward_formula = "L = sum_i w_i a_i";
    static constexpr const char* backward_formula = "dL/da = w";
    Array w;  // [shape of a]

    void forward(const Inputs<1>& in, Array& loss) {
        const Array& a = in[0];
        if (!shapes_equal(a.shape(), w.shape())) {
            throw std::invalid_argument("WeightedSum: a " + shape_string(a) +
                                        " must have the shape of w " + shape_string(w));
        }
        double sum = 0.0;
        for (std::size_t i = 0; i < w.size(); ++i) sum += w.data()[i] * a.data()[i];
        loss.resize(Shape{});  // scalar
        loss() = sum;
    }
    void backward(const Inputs<1>&, const Array&, const Array& grad_loss, GradTargets<1>& grad) {
        grad[0].set(grad_loss() * w);  // [shape of a]
    }
};

/// The values of `tensors`, in order: the inputs gradcheck takes for a model's parameters.
inline std::vector<Array> values_of(const std::vector<Tensor>& tensors) {
    std::vector<Array> values;
    for (const Tensor& t : tensors) values.push_back(t.value());
    return values;
}

}  // namespace tapegrad
