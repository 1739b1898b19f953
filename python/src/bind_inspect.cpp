// Looking into the engine: gradcheck, the tape as text (what --trace prints) and as a DOT
// graph, and checkpoints (safetensors files PyTorch reads).
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "engine/inspect/gradcheck.hpp"
#include "engine/inspect/tape_printer.hpp"
#include "engine/io/safetensors.hpp"
#include "python/src/bindings.hpp"
#include "python/src/numpy_array.hpp"

namespace py = pybind11;

namespace tapegrad::python {

void bind_inspect(py::module_& m) {
    py::class_<GradcheckReport>(m, "GradcheckReport",
                                "What gradcheck found; the worst element and its numbers")
        .def_property_readonly("passed", &GradcheckReport::passed)
        .def_property_readonly(
            "failed", [](const GradcheckReport& r) { return r.status == GradcheckStatus::failed; })
        .def_property_readonly(
            "inconclusive",
            [](const GradcheckReport& r) { return r.status == GradcheckStatus::inconclusive; })
        .def_property_readonly("status",
                               [](const GradcheckReport& r) { return to_string(r.status); })
        .def_readonly("reason", &GradcheckReport::reason)
        .def_readonly("input", &GradcheckReport::input)
        .def_readonly("index", &GradcheckReport::index)
        .def_readonly("analytic", &GradcheckReport::analytic)
        .def_readonly("numeric", &GradcheckReport::numeric)
        .def_readonly("abs_error", &GradcheckReport::abs_error)
        .def_readonly("rel_error", &GradcheckReport::rel_error)
        .def_readonly("elements_checked", &GradcheckReport::elements_checked)
        .def_readonly("loss", &GradcheckReport::loss)
        .def("summary", &GradcheckReport::summary)
        .def("__repr__", &GradcheckReport::summary);

    m.def(
        "gradcheck",
        [](const py::function& f, const py::list& inputs, double rtol, double atol) {
            std::vector<Array> arrays;
            for (std::size_t i = 0; i < inputs.size(); ++i)
                arrays.push_back(
                    array_from_python(inputs[i], "gradcheck: input " + std::to_string(i)));
            GradcheckOptions options;
            options.rtol = rtol;
            options.atol = atol;
            // f gets the tape by reference: it is gradcheck's, alive for the call.
            const TapeFunction tape_function = [&f](Tape& tape, const std::vector<Tensor>& x) {
                const py::object loss = f(py::cast(&tape, py::return_value_policy::reference), x);
                if (!py::isinstance<Tensor>(loss))
                    throw py::type_error("gradcheck: f returned a " +
                                         std::string(py::str(loss.get_type().attr("__name__"))) +
                                         ", not a tapegrad.Tensor");
                return loss.cast<Tensor>();
            };
            return gradcheck(tape_function, arrays, options);
        },
        py::arg("f"), py::arg("inputs"), py::arg("rtol") = GradcheckOptions{}.rtol,
        py::arg("atol") = GradcheckOptions{}.atol,
        "Compares f's backward with central finite differences, every element of every input. "
        "f(tape, tensors) returns a Tensor (a non-scalar is contracted with fixed weights).");

    m.def(
        "trace_forward",
        [](const Tape& tape) {
            std::ostringstream out;
            print_tape(out, tape);
            return out.str();
        },
        py::arg("tape"),
        "Every recorded node: op, formula, inputs and output (what --trace prints).");
    m.def(
        "trace_backward",
        [](Tape& tape, const Tensor& loss) {
            std::ostringstream out;
            print_backward(out, tape, loss);
            return out.str();
        },
        py::arg("tape"), py::arg("loss"),
        "Runs tape.backward(loss) and returns what each node received and passed on.");
    m.def(
        "to_dot",
        [](const Tape& tape) {
            std::ostringstream out;
            write_dot(out, tape);
            return out.str();
        },
        py::arg("tape"), "The tape as a Graphviz DOT graph (dot -Tsvg).");

    m.def(
        "save_checkpoint",
        [](const std::string& path, const py::object& tensors, const Metadata& metadata) {
            save_checkpoint(path, named_tensors_from(tensors, "save_checkpoint"), metadata);
        },
        py::arg("path"), py::arg("tensors"), py::arg("metadata") = Metadata{},
        "Writes the tensors (a dict {name: Tensor}) and string metadata as safetensors, "
        "atomically.");
    m.def(
        "load_checkpoint",
        [](const std::string& path, const py::object& tensors) {
            return load_checkpoint(path, named_tensors_from(tensors, "load_checkpoint"));
        },
        py::arg("path"), py::arg("tensors"),
        "Loads a file holding exactly these names and shapes into the tensors' values; returns "
        "its metadata. Raises CheckpointError naming the file and the tensor; then no tensor "
        "has changed.");
    m.def(
        "load_safetensors",
        [](const std::string& path) {
            const SafetensorsFile file = load_safetensors(path);
            py::dict arrays;
            for (const auto& [name, array] : file.tensors) arrays[py::str(name)] = to_numpy(array);
            return py::make_tuple(arrays, file.metadata);
        },
        py::arg("path"), "(dict {name: array}, metadata) of any safetensors file of F64 tensors.");
}

}  // namespace tapegrad::python
