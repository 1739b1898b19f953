#pragma once
/// Optional formula text of an op, for printing a tape (see engine/inspect/tape_printer.hpp)
/// and for the table in ops/README.md (tests/test_op_formula.cpp checks that table against
/// these strings, so the op's header is the one home of its formulas).
///
/// An op may state its formulas as plain text next to its name:
///     static constexpr const char* forward_formula = "y = tanh(x)";
///     static constexpr const char* backward_formula = "dL/dx = dL/dy * (1 - y^2)";
/// or, when the formula depends on how many inputs it was applied to (Linear with or without
/// a bias), as functions of that number:
///     static constexpr const char* forward_formula(std::size_t inputs) { ... }
/// or, when each object states its own (an op written in Python), as members:
///     const char* forward_formula = nullptr;
/// Both are optional: an op without them works everywhere, its printout just shows no formula.

#include <cstddef>
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

template <class F>
constexpr const char* formula_text(F formula, std::size_t inputs) {
    if constexpr (std::is_invocable_v<F, std::size_t>) {
        return formula(inputs);
    } else {
        (void)inputs;
        return formula;
    }
}
}  // namespace detail

/// op's forward formula for an application to `inputs` tensors, or nullptr when it states none.
template <class Op>
constexpr const char* forward_formula_of(const Op& op, std::size_t inputs) {
    if constexpr (detail::has_forward_formula<Op>::value) {
        return detail::formula_text(op.forward_formula, inputs);
    } else {
        (void)op;
        (void)inputs;
        return nullptr;
    }
}

/// op's backward formula for an application to `inputs` tensors, or nullptr when it states none.
template <class Op>
constexpr const char* backward_formula_of(const Op& op, std::size_t inputs) {
    if constexpr (detail::has_backward_formula<Op>::value) {
        return detail::formula_text(op.backward_formula, inputs);
    } else {
        (void)op;
        (void)inputs;
        return nullptr;
    }
}

}  // namespace tapegrad
