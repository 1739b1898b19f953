// The layers of ops/layers (each owns named parameters and calls ops), the optimizers and
// gradient clipping. A layer's parameters() is a dict {name: Tensor} in PyTorch's state_dict
// order; the optimizers take that dict, a list of (name, Tensor) or a list of Tensors.
#include <cstddef>
#include <string>
#include <utility>

#include <pybind11/stl.h>

#include "engine/optim/adam.hpp"
#include "engine/optim/adamw.hpp"
#include "engine/optim/clip_grad_norm.hpp"
#include "engine/optim/sgd.hpp"
#include "ops/layers/causal_self_attention.hpp"
#include "ops/layers/decoder_block.hpp"
#include "ops/layers/layer_norm_layer.hpp"
#include "ops/layers/linear_layer.hpp"
#include "ops/layers/mlp.hpp"
#include "python/src/bindings.hpp"

namespace py = pybind11;

namespace tapegrad::python {

namespace {

std::vector<Tensor> tensors_of(const NamedTensors& named) {
    std::vector<Tensor> out;
    for (const NamedTensor& t : named) out.push_back(t.tensor);
    return out;
}

// parameters() and __call__(tape, x) for a layer whose call takes (Tape&, const Tensor&).
template <class Layer>
py::class_<Layer> layer(py::module_& m, const char* name, const char* doc) {
    py::class_<Layer> c(m, name, doc);
    c.def(
        "parameters", [](const Layer& l) { return to_dict(l.parameters()); },
        "{name: Tensor} in PyTorch's state_dict order");
    return c;
}

template <class Options>
Options adam_options(double lr, std::pair<double, double> betas, double eps, double weight_decay,
                     bool decay_only_matrices) {
    Options o;
    o.lr = lr;
    o.beta1 = betas.first;
    o.beta2 = betas.second;
    o.eps = eps;
    o.weight_decay = weight_decay;
    o.decay_only_matrices = decay_only_matrices;
    return o;
}

template <class Optimizer, class Options>
void bind_adam(py::module_& m, const char* name, double default_weight_decay, const char* doc) {
    py::class_<Optimizer>(m, name, doc)
        .def(py::init([name](const py::object& params, double lr, std::pair<double, double> betas,
                             double eps, double weight_decay, bool decay_only_matrices) {
                 return Optimizer(
                     named_tensors_from(params, name),
                     adam_options<Options>(lr, betas, eps, weight_decay, decay_only_matrices));
             }),
             py::arg("params"), py::arg("lr") = 1e-3, py::arg("betas") = std::make_pair(0.9, 0.999),
             py::arg("eps") = 1e-8, py::arg("weight_decay") = default_weight_decay,
             py::arg("decay_only_matrices") = false)
        .def("step", &Optimizer::step)
        .def("zero_grad", &Optimizer::zero_grad)
        .def_property("lr", &Optimizer::lr, &Optimizer::set_lr)
        .def_property_readonly("step_count", &Optimizer::step_count)
        .def("state", [](const Optimizer& o) { return to_dict(o.state()); });
}

}  // namespace

void bind_layers(py::module_& m) {
    const auto tape = py::arg("tape");
    const auto x = py::arg("x");

    layer<LinearLayer>(m, "LinearLayer", "z = x W^T + b with its own W [out, in] and b [out]")
        .def(py::init<std::string, std::size_t, std::size_t, Random&, bool, double>(),
             py::arg("prefix"), py::arg("in_features"), py::arg("out_features"), py::arg("rng"),
             py::arg("bias") = true, py::arg("sigma") = 0.02)
        .def("__call__", &LinearLayer::operator(), tape, x)
        .def_property_readonly("weight", &LinearLayer::weight)
        .def_property_readonly("bias", [](const LinearLayer& l) -> py::object {
            if (!l.bias().defined()) return py::none();
            return py::cast(l.bias());
        });
    layer<LayerNormLayer>(m, "LayerNormLayer", "LayerNorm over the last axis with gamma and beta")
        .def(py::init<std::string, std::size_t, double>(), py::arg("prefix"), py::arg("C"),
             py::arg("eps") = 1e-5)
        .def("__call__", &LayerNormLayer::operator(), tape, x);
    layer<Mlp>(m, "Mlp", "fc2(gelu(fc1(x))), C -> 4C -> C")
        .def(py::init<const std::string&, std::size_t, Random&>(), py::arg("prefix"), py::arg("C"),
             py::arg("rng"))
        .def("__call__", &Mlp::operator(), tape, x);
    layer<CausalSelfAttention>(m, "CausalSelfAttention", "masked multi-head self-attention")
        .def(py::init<const std::string&, std::size_t, std::size_t, Random&>(), py::arg("prefix"),
             py::arg("C"), py::arg("H"), py::arg("rng"))
        .def(
            "__call__",
            [](const CausalSelfAttention& l, Tape& t, const Tensor& in) { return l(t, in); }, tape,
            x);
    layer<DecoderBlock>(m, "DecoderBlock", "a pre-LayerNorm transformer block")
        .def(py::init<const std::string&, std::size_t, std::size_t, Random&>(), py::arg("prefix"),
             py::arg("C"), py::arg("H"), py::arg("rng"))
        .def(
            "__call__", [](const DecoderBlock& l, Tape& t, const Tensor& in) { return l(t, in); },
            tape, x);

    py::class_<SGD>(m, "SGD", "p <- p - lr dL/dp for every parameter that received a gradient")
        .def(py::init([](const py::object& params, double lr) {
                 return SGD(tensors_of(named_tensors_from(params, "SGD")), lr);
             }),
             py::arg("params"), py::arg("lr"))
        .def("step", &SGD::step)
        .def("zero_grad", &SGD::zero_grad)
        .def_property("lr", &SGD::lr, &SGD::set_lr);
    bind_adam<Adam, AdamOptions>(m, "Adam", 0.0, "torch.optim.Adam, the same doubles");
    bind_adam<AdamW, AdamWOptions>(m, "AdamW", 1e-2, "torch.optim.AdamW, the same doubles");

    m.def(
        "clip_grad_norm",
        [](const py::object& params, double max_norm, bool error_if_nonfinite) {
            return clip_grad_norm(named_tensors_from(params, "clip_grad_norm"), max_norm,
                                  error_if_nonfinite);
        },
        py::arg("params"), py::arg("max_norm"), py::arg("error_if_nonfinite") = false,
        "Scales the gradients so that their total norm is at most max_norm; returns the norm "
        "before.");
}

}  // namespace tapegrad::python
