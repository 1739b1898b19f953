#pragma once
/// The parts of the Python module `tapegrad._tapegrad`, one function per file (module.cpp
/// calls them in order), and the conversions they share.

#include <type_traits>

#include <pybind11/pybind11.h>

#include "engine/core/named_tensor.hpp"
#include "engine/core/tape.hpp"

// A Tape owns its nodes (unique_ptr): it cannot be copied, though std::vector declares a copy
// constructor that the trait sees. Python holds a tape by reference; pybind11 must not try.
template <>
struct pybind11::detail::is_copy_constructible<tapegrad::Tape> : std::false_type {};

namespace tapegrad::python {

void bind_core(pybind11::module_& m);          // bind_core.cpp: Tensor, Tape, Random, errors
void bind_ops(pybind11::module_& m);           // bind_ops.cpp: every op of ops/ as a function
void bind_layers(pybind11::module_& m);        // bind_layers.cpp: layers, optimizers, clipping
void bind_inspect(pybind11::module_& m);       // bind_inspect.cpp: gradcheck, traces, checkpoints
void bind_tiny_decoder(pybind11::module_& m);  // bind_tiny_decoder.cpp: the tiny decoder

/// A dict {name: Tensor} (a layer's parameters()), a list of (name, Tensor) pairs, or a list of
/// Tensors (named by their own names) as NamedTensors; TypeError otherwise, naming `what`.
NamedTensors named_tensors_from(pybind11::handle object, const char* what);
/// NamedTensors as a dict {name: Tensor}, in their order.
pybind11::dict to_dict(const NamedTensors& tensors);

}  // namespace tapegrad::python
