#include "python/src/numpy_array.hpp"

#include <algorithm>
#include <vector>

namespace py = pybind11;

namespace tapegrad::python {

namespace {
py::array as_numpy(py::handle object) {
    return py::module_::import("numpy").attr("asarray")(object);
}
}  // namespace

Array array_from_python(py::handle object, const std::string& what) {
    const py::array any = as_numpy(object);
    const char kind = any.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u') {
        throw py::type_error(what + ": dtype " + py::str(any.dtype()).cast<std::string>() +
                             " is not a number type (float and integer arrays are converted to "
                             "float64)");
    }
    // forcecast converts the dtype, c_style the strides: a new C-contiguous float64 array
    // unless `any` already is one.
    const auto doubles =
        py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(any);
    Shape shape(static_cast<std::size_t>(doubles.ndim()));
    for (std::size_t k = 0; k < shape.size(); ++k)
        shape[k] = static_cast<std::size_t>(doubles.shape(static_cast<py::ssize_t>(k)));
    Array a(shape);  // [shape of the argument]
    std::copy(doubles.data(), doubles.data() + doubles.size(), a.data());
    return a;
}

py::array_t<double> to_numpy(const Array& a) {
    std::vector<py::ssize_t> shape(a.shape().begin(), a.shape().end());
    py::array_t<double> out(shape);  // [shape of a], owns its memory
    std::copy(a.begin(), a.end(), out.mutable_data());
    return out;
}

py::array_t<double> to_numpy(const std::vector<double>& v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));  // [n]
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

std::vector<std::size_t> shape_of(py::handle object) {
    const py::array a = as_numpy(object);
    std::vector<std::size_t> shape;
    for (py::ssize_t k = 0; k < a.ndim(); ++k)
        shape.push_back(static_cast<std::size_t>(a.shape(k)));
    return shape;
}

std::vector<std::size_t> ids_from_python(py::handle object, const std::string& what) {
    const py::array any = as_numpy(object);
    const char kind = any.dtype().kind();
    if (kind != 'i' && kind != 'u')
        throw py::type_error(what + ": ids must be integers, got dtype " +
                             py::str(any.dtype()).cast<std::string>());
    const auto ints =
        py::array_t<long long, py::array::c_style | py::array::forcecast>::ensure(any);
    std::vector<std::size_t> ids;
    ids.reserve(static_cast<std::size_t>(ints.size()));
    for (py::ssize_t i = 0; i < ints.size(); ++i) {
        const long long id = ints.data()[i];
        if (id < 0)
            throw py::value_error(what + ": id " + std::to_string(id) + " at position " +
                                  std::to_string(i) + " is negative");
        ids.push_back(static_cast<std::size_t>(id));
    }
    return ids;
}

}  // namespace tapegrad::python
