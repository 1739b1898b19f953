// The Python module tapegrad._tapegrad; python/tapegrad/__init__.py re-exports it.
#include <pybind11/pybind11.h>

#include "python/src/bindings.hpp"

PYBIND11_MODULE(_tapegrad, m) {
    m.doc() = "tapegrad: a small, exact tape-based autograd engine (C++ over xtensor)";
    tapegrad::python::bind_core(m);
    tapegrad::python::bind_ops(m);
    tapegrad::python::bind_layers(m);
    tapegrad::python::bind_inspect(m);
    tapegrad::python::bind_tiny_decoder(m);
}
