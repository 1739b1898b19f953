#include "engine/core/tape.hpp"

#include <cmath>

namespace tapegrad {

namespace {
constexpr std::size_t npos = static_cast<std::size_t>(-1);
}  // namespace

std::size_t Tape::loss_index(const Tensor& loss) const {
    if (!loss.defined()) throw std::invalid_argument("backward: the loss is an empty Tensor");
    if (loss.value().size() != 1) {
        throw std::invalid_argument("backward: the loss must be a scalar, got shape " +
                                    shape_string(loss.value()));
    }
    std::size_t index = size_;
    for (std::size_t i = 0; i < size_; ++i)
        if (nodes_[i]->output_.same_as(loss)) index = i;
    if (index == size_) {
        throw std::invalid_argument(
            "backward: the loss was not recorded on this tape (no input required a gradient, "
            "recording was off, or it came from another tape)");
    }
    return index;
}

void Tape::backward(const Tensor& loss) {
    backward_from(loss, loss_index(loss));
}

void Tape::backward_from(const Tensor& loss, std::size_t loss_index) {
    // Gradients of op outputs are per pass: forget the previous pass's.
    for (std::size_t i = 0; i < size_; ++i) nodes_[i]->output_.data().grad_is_zero = true;

    TensorData& seed = loss.data();
    seed.grad.resize(seed.value.shape());
    seed.grad.fill(1.0);  // dL/dL = 1
    seed.grad_is_zero = false;

    for (std::size_t i = loss_index + 1; i-- > 0;) {
        Node& node = *nodes_[i];
        if (node.output_.data().grad_is_zero) continue;  // no path from here to the loss
        if (observer_) observer_->before_node(i, node);
        node.backward();
        if (check_finite_) check_backward(node, i);
        if (observer_) observer_->after_node(i, node);
    }
}

namespace {

std::string describe_position(const char* op_name, std::size_t position, std::size_t not_recorded) {
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

void Tape::check_forward(const Node& node, std::size_t position) const {
    const Array& out = node.output().value();
    const std::size_t bad = first_non_finite(out);
    if (bad == out.size()) return;
    throw NonFiniteError("check_finite: forward of " +
                         describe_position(node.op_name(), position, not_recorded) + " produced " +
                         value_at(out, bad) + "; inputs: " + describe_inputs(node));
}

void Tape::check_backward(const Node& node, std::size_t position) const {
    for (std::size_t i = 0; i < node.inputs().size(); ++i) {
        const Tensor& in = node.inputs()[i];
        // No stored gradient: none needed, or applied in place by backward_with_updates (then
        // the next forward's check sees the updated value).
        if (!in.requires_grad() || !in.has_grad()) continue;
        const Array& grad = in.data().grad;
        const std::size_t bad = first_non_finite(grad);
        if (bad == grad.size()) continue;
        throw NonFiniteError("check_finite: backward of " +
                             describe_position(node.op_name(), position, not_recorded) +
                             " produced " + value_at(grad, bad) + " in the gradient for input " +
                             std::to_string(i) + "; inputs: " + describe_inputs(node));
    }
}

bool Tape::may_update_in_place(const Tensor& t, std::size_t loss_index, std::size_t& node_index,
                               std::size_t& slot) const {
    if (!t.defined() || !t.requires_grad() || t.has_grad()) return false;
    std::size_t uses = 0;
    for (std::size_t i = 0; i <= loss_index; ++i) {
        const Node& node = *nodes_[i];
        if (node.output_.same_as(t)) return false;  // not a leaf
        for (std::size_t k = 0; k < node.inputs_.size(); ++k) {
            if (!node.inputs_[k].same_as(t)) continue;
            ++uses;
            node_index = i;
            slot = k;
        }
    }
    if (uses == 0) return true;  // no node reads it: no gradient will reach it, nothing to do
    return uses == 1 && nodes_[node_index]->in_place_update_safe(slot);
}

void Tape::backward_with_updates(const Tensor& loss, std::vector<InPlaceUpdate>& updates) {
    const std::size_t last = loss_index(loss);
    in_place_nodes_.clear();
    for (InPlaceUpdate& u : updates) {
        bool listed_twice = false;
        for (const InPlaceUpdate& v : updates)
            listed_twice = listed_twice || (&v != &u && v.tensor.same_as(u.tensor));
        std::size_t node_index = 0;
        std::size_t slot = npos;
        u.handled = !listed_twice && may_update_in_place(u.tensor, last, node_index, slot);
        if (!u.handled || slot == npos) continue;  // the normal path, or used by no node
        Node& node = *nodes_[node_index];
        node.in_place_alpha_.resize(node.inputs_.size());
        node.in_place_alpha_[slot] = u.alpha;
        in_place_nodes_.push_back(node_index);
    }
    // The marks hold for this pass only, also when an op throws.
    auto unmark = [this] {
        for (std::size_t i : in_place_nodes_) nodes_[i]->in_place_alpha_.clear();
    };
    try {
        backward_from(loss, last);
    } catch (...) {
        unmark();
        throw;
    }
    unmark();
}

void Tape::backward(const Tensor& loss, BackwardObserver& observer) {
    observer_ = &observer;
    try {
        backward(loss);
    } catch (...) {
        observer_ = nullptr;
        throw;
    }
    observer_ = nullptr;
}

const Node& Tape::node(std::size_t i) const {
    if (i >= size_) {
        throw std::out_of_range("Tape::node: index " + std::to_string(i) + " but the tape holds " +
                                std::to_string(size_) + " nodes");
    }
    return *nodes_[i];
}

void Tape::clear() {
    nodes_.clear();
    size_ = 0;
}

void Tape::rewind() {
    // Drop the links between nodes (and to the caller's tensors) so that outputs nobody
    // else holds can be reused by the next recording.
    for (auto& node : nodes_) node->inputs_.clear();
    size_ = 0;
}

}  // namespace tapegrad
