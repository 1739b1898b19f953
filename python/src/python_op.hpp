#pragma once
/// PythonOp<N>: an op written in Python, recorded on the tape like any C++ op.
///
/// The Python object (any class; see python/README.md) has
///     forward(inputs)                  -> y                  inputs: a tuple of N arrays
///     backward(inputs, out, grad_out)  -> (g_1, ..., g_N)    g_i = dL/d(inputs[i]), or None
/// in NumPy (a single array may stand for the tuple when N = 1). It obeys ops/README.md's
/// contract, and the engine treats it as it treats a C++ op: the node decides where each
/// gradient goes, GradTarget checks its shape (the message names the op, by the object's
/// `name` or its class name, and both shapes), a leaf accumulates. An input that wants a
/// gradient and gets None is the engine's "did not write the gradient" error. The object may
/// state its formulas as strings, `forward_formula` and `backward_formula`, which the tape's
/// printouts show as they show a C++ op's (engine/core/op_formula.hpp).
///
/// Tape.backward runs without the GIL (a tape of C++ ops needs none); this op takes it for
/// its calls into Python. The Python object is released under the GIL too (PythonObject).

#include <cstddef>
#include <memory>
#include <string>

#include <pybind11/pybind11.h>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "python/src/numpy_array.hpp"

namespace tapegrad::python {

/// A Python object, its name and its formulas ("" when it states none), held by shared_ptr so
/// that nodes copy and move it without the GIL; the last owner drops the reference under the GIL.
struct PythonObject {
    pybind11::object object;
    std::string name;
    std::string forward_formula, backward_formula;
    ~PythonObject() {
        pybind11::gil_scoped_acquire gil;
        object = pybind11::object();
    }
};

template <std::size_t N>
struct PythonOp {
    // python's name and formulas (nullptr: none), which outlive the node's use of them
    const char* name = "PythonOp";
    const char* forward_formula = nullptr;
    const char* backward_formula = nullptr;
    std::shared_ptr<const PythonObject> python;

    void forward(const Inputs<N>& in, Array& out) {
        pybind11::gil_scoped_acquire gil;
        const pybind11::object y = python->object.attr("forward")(input_tuple(in));
        out = array_from_python(y, python->name + ".forward's result");
    }

    void backward(const Inputs<N>& in, const Array& out, const Array& grad_out,
                  GradTargets<N>& grad) {
        pybind11::gil_scoped_acquire gil;
        const pybind11::object g =
            python->object.attr("backward")(input_tuple(in), to_numpy(out), to_numpy(grad_out));
        const pybind11::tuple gradients = one_per_input(g);
        for (std::size_t i = 0; i < N; ++i) {
            if (!grad[i].wanted() || gradients[i].is_none()) continue;
            const Array g_i = array_from_python(
                gradients[i], python->name + ".backward's gradient for input " + std::to_string(i));
            grad[i].set(g_i);  // the engine's shape check and accumulation
        }
    }

private:
    static pybind11::tuple input_tuple(const Inputs<N>& in) {
        pybind11::tuple t(N);
        for (std::size_t i = 0; i < N; ++i) t[i] = to_numpy(in[i]);
        return t;
    }
    pybind11::tuple one_per_input(const pybind11::object& g) const {
        const bool sequence =
            pybind11::isinstance<pybind11::tuple>(g) || pybind11::isinstance<pybind11::list>(g);
        if (!sequence) {
            if (N == 1) return pybind11::make_tuple(g);
            throw pybind11::type_error(python->name + ".backward returned a " +
                                       std::string(pybind11::str(g.get_type().attr("__name__"))) +
                                       ", not a tuple of " + std::to_string(N) + " gradients");
        }
        const pybind11::tuple t(g);
        if (t.size() != N)
            throw pybind11::value_error(python->name + ".backward returned " +
                                        std::to_string(t.size()) + " gradients for " +
                                        std::to_string(N) + (N == 1 ? " input" : " inputs"));
        return t;
    }
};

}  // namespace tapegrad::python
