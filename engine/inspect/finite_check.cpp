#include "engine/inspect/finite_check.hpp"

#include <cmath>
#include <string>

#include "engine/core/node.hpp"

namespace tapegrad {

namespace {

std::string describe_position(const char* op_name, std::size_t position) {
    return std::string(op_name) + (position == not_recorded
                                       ? " (not recorded: no gradient needed)"
                                       : " (node " + std::to_string(position) + " on the tape)");
}

std::string describe_inputs(const Node& node) {
    std::string text;
    for (std::size_t i = 0; i < node.inputs().size(); ++i) {
        const Tensor& in = node.inputs()[i];
        text += (i ? ", " : "") + (in.name().empty() ? "input " + std::to_string(i) : in.name()) +
                " " + shape_string(in.value());
        if (first_non_finite(in.value()) < in.value().size()) text += " (already non-finite)";
    }
    return text;
}

std::string value_at(const Array& a, std::size_t flat_index) {
    const double v = a.data()[flat_index];
    return std::string(std::isnan(v) ? "nan" : (v > 0 ? "+inf" : "-inf")) + " at flat index " +
           std::to_string(flat_index) + " of " + shape_string(a);
}

}  // namespace

void FiniteCheck::after_forward(std::size_t position, const Node& node) {
    const Array& out = node.output().value();
    const std::size_t bad = first_non_finite(out);
    if (bad == out.size()) return;
    throw NonFiniteError("check_finite: forward of " + describe_position(node.op_name(), position) +
                         " produced " + value_at(out, bad) + "; inputs: " + describe_inputs(node));
}

void FiniteCheck::after_backward(std::size_t position, const Node& node) {
    for (std::size_t i = 0; i < node.inputs().size(); ++i) {
        const Tensor& in = node.inputs()[i];
        if (!in.has_grad()) continue;  // none needed
        const Array& grad = in.grad();
        const std::size_t bad = first_non_finite(grad);
        if (bad == grad.size()) continue;
        throw NonFiniteError("check_finite: backward of " +
                             describe_position(node.op_name(), position) + " produced " +
                             value_at(grad, bad) + " in the gradient for input " +
                             std::to_string(i) + "; inputs: " + describe_inputs(node));
    }
}

}  // namespace tapegrad
