#include "engine/core/array.hpp"

#include <cmath>
#include <sstream>

namespace tapegrad {

std::string shape_string(const Shape& shape) {
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

std::size_t first_non_finite(const Array& a) {
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!std::isfinite(a.data()[i])) return i;
    return a.size();
}

}  // namespace tapegrad
