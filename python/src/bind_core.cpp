// Tensor, Tape, Random and the exceptions (python/README.md: "Errors").
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "engine/core/init.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"
#include "engine/core/tensor.hpp"
#include "engine/inspect/finite_check.hpp"
#include "engine/inspect/non_finite_error.hpp"
#include "engine/io/safetensors.hpp"
#include "python/src/bindings.hpp"
#include "python/src/numpy_array.hpp"
#include "python/src/python_op.hpp"

namespace py = pybind11;

namespace tapegrad::python {

namespace {

// The module's exception types (owned by the module; these are borrowed pointers).
PyObject* tape_error = nullptr;
PyObject* checkpoint_error = nullptr;
PyObject* non_finite_error = nullptr;

// C++ exceptions as Python ones: bad input is a ValueError, a broken rule of the tape (a
// gradient of the wrong shape, reading a released gradient) a TapeError, a file refused a
// CheckpointError (a ValueError), a NaN found by check_finite a NonFiniteError.
void translate(std::exception_ptr p) {
    try {
        if (p) std::rethrow_exception(p);
    } catch (const CheckpointError& e) {
        PyErr_SetString(checkpoint_error, e.what());
    } catch (const NonFiniteError& e) {
        PyErr_SetString(non_finite_error, e.what());
    } catch (const std::out_of_range& e) {
        PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const std::invalid_argument& e) {
        PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::length_error& e) {
        PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::domain_error& e) {
        PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::logic_error& e) {
        PyErr_SetString(tape_error, e.what());
    }
}

// check_finite's hooks: FiniteCheck keeps no state, so every tape can share one.
FiniteCheck& finite_check() {
    static FiniteCheck check;
    return check;
}

Tensor tensor_argument(py::handle object, const std::string& what) {
    if (!py::isinstance<Tensor>(object))
        throw py::type_error(what + " must be a tapegrad.Tensor, not " +
                             std::string(py::str(object.get_type().attr("__name__"))));
    return object.cast<Tensor>();
}

template <std::size_t N, std::size_t... I>
Tensor apply_python_op(Tape& tape, PythonOp<N> op, const std::vector<Tensor>& in,
                       std::index_sequence<I...>) {
    return tape.apply(std::move(op), in[I]...);
}

template <std::size_t N>
Tensor apply_python_op(Tape& tape, const std::shared_ptr<const PythonObject>& python,
                       const std::vector<Tensor>& in) {
    PythonOp<N> op;
    op.python = python;
    op.name = python->name.c_str();
    if (!python->forward_formula.empty()) op.forward_formula = python->forward_formula.c_str();
    if (!python->backward_formula.empty()) op.backward_formula = python->backward_formula.c_str();
    return apply_python_op<N>(tape, std::move(op), in, std::make_index_sequence<N>{});
}

// An op's optional formula text: a str attribute, or "" when it has none (or None).
std::string formula_attribute(const py::object& op, const char* attribute,
                              const std::string& name) {
    if (!py::hasattr(op, attribute) || op.attr(attribute).is_none()) return "";
    const py::object text = op.attr(attribute);
    if (!py::isinstance<py::str>(text))
        throw py::type_error("Tape.apply: " + name + "." + attribute + " must be a str, got " +
                             std::string(py::str(text.get_type().attr("__name__"))));
    return std::string(py::str(text));
}

// tape.apply(op, *inputs) for an op written in Python (python_op.hpp).
Tensor apply(Tape& tape, const py::object& op, const py::args& args) {
    const std::string name = py::hasattr(op, "name")
                                 ? std::string(py::str(op.attr("name")))
                                 : std::string(py::str(op.get_type().attr("__name__")));
    for (const char* method : {"forward", "backward"}) {
        if (!py::hasattr(op, method) || !PyCallable_Check(op.attr(method).ptr()))
            throw py::type_error("Tape.apply: " + name + " has no method " + method +
                                 " (an op has forward(inputs) and "
                                 "backward(inputs, out, grad_out))");
    }
    std::vector<Tensor> in;
    for (std::size_t i = 0; i < args.size(); ++i)
        in.push_back(
            tensor_argument(args[i], "Tape.apply(" + name + "): input " + std::to_string(i)));
    auto python = std::make_shared<PythonObject>();
    python->object = op;
    python->name = name;
    python->forward_formula = formula_attribute(op, "forward_formula", name);
    python->backward_formula = formula_attribute(op, "backward_formula", name);
    switch (in.size()) {
        case 1:
            return apply_python_op<1>(tape, python, in);
        case 2:
            return apply_python_op<2>(tape, python, in);
        case 3:
            return apply_python_op<3>(tape, python, in);
        case 4:
            return apply_python_op<4>(tape, python, in);
        default:
            throw py::value_error("Tape.apply(" + name +
                                  "): a Python op takes 1 to 4 inputs, got " +
                                  std::to_string(in.size()));
    }
}

py::tuple shape_tuple(const Shape& shape) {
    py::tuple t(shape.size());
    for (std::size_t k = 0; k < shape.size(); ++k) t[k] = shape[k];
    return t;
}

std::string repr(const Tensor& t) {
    std::string s = "Tensor(";
    if (!t.name().empty()) s += "'" + t.name() + "', ";
    s += "shape=" + shape_string(t.shape());
    if (t.requires_grad()) s += ", requires_grad=True";
    return s + ")";
}

}  // namespace

NamedTensors named_tensors_from(py::handle object, const char* what) {
    NamedTensors out;
    if (py::isinstance<py::dict>(object)) {
        for (const auto& [name, tensor] : py::reinterpret_borrow<py::dict>(object))
            out.push_back({py::str(name), tensor_argument(tensor, std::string(what) + " value")});
        return out;
    }
    if (!py::isinstance<py::sequence>(object) || py::isinstance<py::str>(object))
        throw py::type_error(std::string(what) +
                             ": expected a dict {name: Tensor}, a list of (name, Tensor) or a "
                             "list of Tensors");
    std::size_t i = 0;
    for (const py::handle item : py::reinterpret_borrow<py::sequence>(object)) {
        const std::string where = std::string(what) + "[" + std::to_string(i++) + "]";
        if (py::isinstance<py::tuple>(item) && py::len(item) == 2) {
            const py::tuple pair = py::reinterpret_borrow<py::tuple>(item);
            out.push_back({py::str(pair[0]), tensor_argument(pair[1], where)});
        } else {
            Tensor t = tensor_argument(item, where);
            out.push_back({t.name(), t});
        }
    }
    return out;
}

py::dict to_dict(const NamedTensors& tensors) {
    py::dict d;
    for (const NamedTensor& t : tensors) d[py::str(t.name)] = t.tensor;
    return d;
}

void bind_core(py::module_& m) {
    tape_error = py::exception<std::logic_error>(m, "TapeError", PyExc_RuntimeError).ptr();
    checkpoint_error = py::exception<CheckpointError>(m, "CheckpointError", PyExc_ValueError).ptr();
    non_finite_error =
        py::exception<NonFiniteError>(m, "NonFiniteError", PyExc_FloatingPointError).ptr();
    py::register_exception_translator(&translate);

    py::class_<Tensor>(m, "Tensor",
                       "A value, its gradient dL/d(value), and whether it wants one. Copies of "
                       "a Tensor share one value (a handle, like a PyTorch tensor).")
        .def(py::init([](const py::object& value, bool requires_grad, std::string name) {
                 return Tensor(array_from_python(value, "Tensor(value)"), requires_grad,
                               std::move(name));
             }),
             py::arg("value"), py::arg("requires_grad") = false, py::arg("name") = "")
        .def_static(
            "parameter",
            [](const py::object& value, std::string name) {
                return Tensor::parameter(array_from_python(value, "Tensor.parameter(value)"),
                                         std::move(name));
            },
            py::arg("value"), py::arg("name"), "A trainable leaf: requires_grad=True.")
        .def_property(
            "value", [](const Tensor& t) { return to_numpy(t.value()); },
            [](Tensor& t, const py::object& value) {
                Array a = array_from_python(value, "Tensor.value");
                if (!shapes_equal(a.shape(), t.shape()))
                    throw py::value_error("Tensor.value of " + repr(t) +
                                          ": the new value has shape " + shape_string(a.shape()) +
                                          ", not the tensor's " + shape_string(t.shape()));
                t.value() = std::move(a);
            },
            "The value, as a new NumPy array (a copy); assign an array of the same shape to change "
            "it.")
        .def_property_readonly(
            "grad", [](const Tensor& t) { return to_numpy(t.grad()); },
            "dL/d(value) as a new NumPy array (a copy). Raises TapeError naming the tensor "
            "and why when it has none (see Tensor.has_grad).")
        .def_property_readonly("has_grad", &Tensor::has_grad)
        .def_property_readonly("shape", [](const Tensor& t) { return shape_tuple(t.shape()); })
        .def_property("name", &Tensor::name, &Tensor::set_name)
        .def_property_readonly("requires_grad", &Tensor::requires_grad)
        .def_property_readonly("is_leaf", &Tensor::is_leaf)
        .def_property_readonly("retains_grad", &Tensor::retains_grad)
        .def("retain_grad", &Tensor::retain_grad,
             "An op's output keeps its gradient after backward (call it before).")
        .def("zero_grad", &Tensor::zero_grad)
        .def(
            "set_grad",
            [](Tensor& t, const py::object& g) {
                t.set_grad(array_from_python(g, "Tensor.set_grad"));
            },
            py::arg("grad"))
        .def("item", &Tensor::item)
        .def("__repr__", &repr);

    py::class_<Tape>(m, "Tape",
                     "Records op applications in order and runs backpropagation over them.")
        .def(py::init<>())
        .def(
            "backward",
            [](Tape& tape, const Tensor& loss) {
                py::gil_scoped_release no_gil;  // Python ops take it back (python_op.hpp)
                tape.backward(loss);
            },
            py::arg("loss"))
        .def("apply", &apply, py::arg("op"),
             "Applies an op written in Python (forward/backward in NumPy) and records it.")
        .def("rewind", &Tape::rewind)
        .def("clear", &Tape::clear)
        .def("__len__", &Tape::size)
        .def_property_readonly("ops",
                               [](const Tape& tape) {
                                   std::vector<std::string> names;
                                   for (std::size_t i = 0; i < tape.size(); ++i)
                                       names.emplace_back(tape.node(i).op_name());
                                   return names;
                               })
        .def_property("recording", &Tape::recording, &Tape::set_recording)
        .def(
            "check_finite",
            [](Tape& tape, bool on) {
                tape.remove_hooks(finite_check());
                if (on) tape.add_hooks(finite_check());
            },
            py::arg("on") = true,
            "Raise NonFiniteError at the first op whose output or gradient is not finite.");

    py::class_<Random>(m, "Random", "The engine's seeded generator (the same numbers everywhere).")
        .def(py::init<std::uint64_t>(), py::arg("seed"))
        .def("uniform", &Random::uniform)
        .def("normal", &Random::normal)
        .def_property_readonly("seed", &Random::seed);
    const auto shape_of = [](const std::vector<std::size_t>& s) {
        return Shape(s.begin(), s.end());
    };
    m.def(
        "normal",
        [shape_of](const std::vector<std::size_t>& shape, double sigma, Random& rng) {
            return to_numpy(normal(shape_of(shape), sigma, rng));
        },
        py::arg("shape"), py::arg("sigma"), py::arg("rng"));
    m.def(
        "uniform",
        [shape_of](const std::vector<std::size_t>& shape, double lo, double hi, Random& rng) {
            return to_numpy(uniform(shape_of(shape), lo, hi, rng));
        },
        py::arg("shape"), py::arg("lo"), py::arg("hi"), py::arg("rng"));
}

}  // namespace tapegrad::python
