#pragma once
/// Optional formula text of an op, for printing a tape (see engine/inspect/tape_printer.hpp).
///
/// An op may state its formulas as plain text next to its name:
///     static constexpr const char* forward_formula = "y = tanh(x)";
///     static constexpr const char* backward_formula = "dL/dx = dL/dy * (1 - y^2)";
/// Both are optional: an op without them works everywhere, its printout just shows no formula.

#include <type_traits>

namespace tapegrad {

namespace detail {
template <class Op, class = void>
struct has_forward_formula : std::false_type {};
template <class Op>
struct has_forward_formula<Op, std::void_t<decltype(Op::forward_formula)>> : std::true_type {};
template <class Op, class = void>
struct has_backward_formula : std::false_type {};
template <class Op>
struct has_backward_formula<Op, std::void_t<decltype(Op::backward_formula)>> : std::true_type {};
}  // namespace detail

/// Op::forward_formula when the op states one, otherwise nullptr.
template <class Op>
constexpr const char* forward_formula_of() {
    if constexpr (detail::has_forward_formula<Op>::value) {
        return Op::forward_formula;
    } else {
        return nullptr;
    }
}

/// Op::backward_formula when the op states one, otherwise nullptr.
template <class Op>
constexpr const char* backward_formula_of() {
    if constexpr (detail::has_backward_formula<Op>::value) {
        return Op::backward_formula;
    } else {
        return nullptr;
    }
}

}  // namespace tapegrad
