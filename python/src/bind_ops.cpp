// Every op of ops/ as a function of a tape and tensors, named and ordered as in C++:
// tg.linear(tape, x, W, b) is ops/linear.hpp's linear(tape, x, W, b). Targets are lists (or
// integer arrays) of class ids; ignore_index as in PyTorch (-100).
#include <cstdint>
#include <vector>

#include <pybind11/stl.h>

#include "ops/add.hpp"
#include "ops/add_bias.hpp"
#include "ops/causal_attention.hpp"
#include "ops/causal_softmax.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/embedding.hpp"
#include "ops/gelu.hpp"
#include "ops/heads.hpp"
#include "ops/layer_norm.hpp"
#include "ops/layers/causal_self_attention.hpp"
#include "ops/linear.hpp"
#include "ops/linear_cross_entropy.hpp"
#include "ops/mat_mul.hpp"
#include "ops/mean.hpp"
#include "ops/mean_axis.hpp"
#include "ops/mul.hpp"
#include "ops/relu.hpp"
#include "ops/reshape.hpp"
#include "ops/rms_norm.hpp"
#include "ops/scale.hpp"
#include "ops/sigmoid.hpp"
#include "ops/slice.hpp"
#include "ops/soft_target_cross_entropy.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "ops/sum.hpp"
#include "ops/sum_axis.hpp"
#include "ops/tanh.hpp"
#include "ops/transpose.hpp"
#include "python/src/bindings.hpp"
#include "python/src/numpy_array.hpp"

namespace py = pybind11;

namespace tapegrad::python {

void bind_ops(py::module_& m) {
    using Targets = std::vector<std::int64_t>;
    const auto tape = py::arg("tape");

    // The card's three nodes.
    m.def(
        "linear", [](Tape& t, const Tensor& x, const Tensor& W) { return linear(t, x, W); }, tape,
        py::arg("x"), py::arg("W"), "z = x W^T");
    m.def(
        "linear",
        [](Tape& t, const Tensor& x, const Tensor& W, const Tensor& b) {
            return linear(t, x, W, b);
        },
        tape, py::arg("x"), py::arg("W"), py::arg("b"), "z = x W^T + b");
    m.def(
        "softmax", [](Tape& t, const Tensor& z) { return softmax(t, z); }, tape, py::arg("z"),
        "p = e^z / sum_j e^z_j over the last axis");
    m.def(
        "cross_entropy",
        [](Tape& t, const Tensor& p, Targets targets, std::int64_t ignore_index) {
            return cross_entropy(t, p, std::move(targets), ignore_index);
        },
        tape, py::arg("p"), py::arg("targets"), py::arg("ignore_index") = default_ignore_index,
        "L = -(1/B) sum_r log p[r, t_r]");

    // Fused losses.
    m.def(
        "softmax_cross_entropy",
        [](Tape& t, const Tensor& z, Targets targets, std::int64_t ignore_index) {
            return softmax_cross_entropy(t, z, std::move(targets), ignore_index);
        },
        tape, py::arg("z"), py::arg("targets"), py::arg("ignore_index") = default_ignore_index,
        "L = cross-entropy of softmax(z); dL/dz = (p - y) / B");
    m.def(
        "soft_target_cross_entropy",
        [](Tape& t, const Tensor& z, const py::object& y) {
            return soft_target_cross_entropy(t, z,
                                             array_from_python(y, "soft_target_cross_entropy(y)"));
        },
        tape, py::arg("z"), py::arg("y"));
    m.def(
        "linear_cross_entropy",
        [](Tape& t, const Tensor& x, const Tensor& W, const Tensor& b, Targets targets,
           std::int64_t ignore_index) {
            return linear_cross_entropy(t, x, W, b, std::move(targets), ignore_index);
        },
        tape, py::arg("x"), py::arg("W"), py::arg("b"), py::arg("targets"),
        py::arg("ignore_index") = default_ignore_index);

    // Elementwise and shape ops.
    m.def("add", &add, tape, py::arg("a"), py::arg("b"));
    m.def("add_bias", &add_bias, tape, py::arg("x"), py::arg("b"));
    m.def("mul", &mul, tape, py::arg("a"), py::arg("b"));
    m.def("scale", &scale, tape, py::arg("x"), py::arg("c"));
    m.def("sum", &sum, tape, py::arg("x"));
    m.def("mean", &mean, tape, py::arg("x"));
    m.def("sum_axis", &sum_axis, tape, py::arg("x"), py::arg("axis"));
    m.def("mean_axis", &mean_axis, tape, py::arg("x"), py::arg("axis"));
    m.def(
        "reshape",
        [](Tape& t, const Tensor& x, const std::vector<std::size_t>& shape) {
            return reshape(t, x, Shape(shape.begin(), shape.end()));
        },
        tape, py::arg("x"), py::arg("shape"));
    m.def("transpose", &transpose, tape, py::arg("x"), py::arg("axis0"), py::arg("axis1"));
    m.def("slice", &slice, tape, py::arg("x"), py::arg("begin"), py::arg("end"));
    m.def("mat_mul", &mat_mul, tape, py::arg("A"), py::arg("B"), py::arg("transpose_a") = false,
          py::arg("transpose_b") = false);
    m.def("relu", &relu, tape, py::arg("x"));
    m.def("sigmoid", &sigmoid, tape, py::arg("x"));
    m.def("tanh", &tapegrad::tanh, tape, py::arg("x"));
    m.def("gelu", &gelu, tape, py::arg("x"));

    // The decoder's ops.
    m.def("layer_norm", &layer_norm, tape, py::arg("x"), py::arg("gamma"), py::arg("beta"),
          py::arg("eps") = 1e-5);
    m.def("rms_norm", &rms_norm, tape, py::arg("x"), py::arg("gamma"), py::arg("eps") = 1e-6);
    m.def(
        "embedding",
        [](Tape& t, const Tensor& W, const py::object& ids) {
            std::vector<std::size_t> shape = shape_of(ids);  // [len] flat, or [B, T]
            if (shape.size() <= 1) shape.clear();
            return embedding(t, W, ids_from_python(ids, "embedding(ids)"), std::move(shape));
        },
        tape, py::arg("W"), py::arg("ids"),
        "y = W[ids]: ids [len] gives [len, d], [B, T] gives [B, T, d]");
    m.def("causal_softmax", &causal_softmax, tape, py::arg("S"));
    m.def("causal_attention", &causal_attention, tape, py::arg("qkv"), py::arg("H"));
    m.def("split_heads", &split_heads, tape, py::arg("x"), py::arg("H"));
    m.def("merge_heads", &merge_heads, tape, py::arg("y"));
    m.def(
        "causal_self_attention",
        [](Tape& t, const Tensor& qkv, std::size_t H) { return causal_self_attention(t, qkv, H); },
        tape, py::arg("qkv"), py::arg("H"));
}

}  // namespace tapegrad::python
