#pragma once
/// The boundary between NumPy and tapegrad's arrays: every array crosses it as a copy.
///
/// In:  array_from_python accepts a NumPy array, a nested list or a number, of any shape and
///      any strides, with a float or integer dtype, and copies it into a row-major float64
///      Array (float32 and integers up to 2^53 convert exactly). Any other dtype (bool, complex,
///      strings, objects) is refused with a TypeError naming the argument and the dtype.
/// Out: to_numpy returns a new float64 NumPy array that owns its memory. It stays valid
///      whatever happens to the tensor or the tape afterwards, and writing to it changes
///      nothing in tapegrad (set a tensor's value with `t.value = ...`).
/// Copies cost nothing at the sizes a notebook shows; a decoder step never crosses here.

#include <cstddef>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "engine/core/array.hpp"

namespace tapegrad::python {

/// `what` names the argument in the TypeError, e.g. "Tensor(value)" or "SiLU.forward's result".
Array array_from_python(pybind11::handle object, const std::string& what);

pybind11::array_t<double> to_numpy(const Array& a);
/// A vector of values as a new 1-D NumPy array.
pybind11::array_t<double> to_numpy(const std::vector<double>& v);

/// The shape NumPy sees in `object` (np.asarray(object).shape), e.g. of nested lists of ids.
std::vector<std::size_t> shape_of(pybind11::handle object);

/// A Python list of ints as ids (each >= 0, else ValueError naming `what`).
std::vector<std::size_t> ids_from_python(pybind11::handle object, const std::string& what);

}  // namespace tapegrad::python
