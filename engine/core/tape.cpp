#include "engine/core/tape.hpp"

#include <algorithm>
#include <cmath>

namespace tapegrad {

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

    ++passes_;
    count_tape_uses();
    for (std::size_t i = loss_index + 1; i-- > 0;) {
        Node& node = *nodes_[i];
        if (node.output_.data().grad_is_zero) continue;  // no path from here to the loss
        if (observer_) observer_->before_node(i, node);
        give_grad_buffers(node);
        run_backward(node);
        if (check_finite_) check_backward(node, i);
        if (observer_) observer_->after_node(i, node);
        release_grad(i);
    }
    drop_unused_grad_buffers();
}

void Tape::count_tape_uses() {
    producers_.clear();
    for (std::size_t i = 0; i < size_; ++i) producers_.emplace_back(&nodes_[i]->output_.data(), i);
    std::sort(producers_.begin(), producers_.end());
    tape_uses_.assign(size_, 0);
    for (std::size_t i = 0; i < size_; ++i) {
        for (const Tensor& in : nodes_[i]->inputs_) {
            const TensorData* data = &in.data();
            auto it = std::lower_bound(producers_.begin(), producers_.end(),
                                       std::make_pair(data, std::size_t{0}));
            if (it != producers_.end() && it->first == data) ++tape_uses_[it->second];
        }
    }
}

bool Tape::take_free_grad(std::size_t elements, Array& into) {
    for (std::size_t f = 0; f < free_grads_.size(); ++f) {
        if (free_grads_[f].buffer.size() != elements) continue;
        std::swap(free_grads_[f], free_grads_.back());
        into = std::move(free_grads_.back().buffer);  // its user reshapes it: no allocation
        free_grads_.pop_back();
        return true;
    }
    return false;
}

void Tape::give_grad_buffers(Node& node) {
    for (std::size_t k = 0; k < node.inputs_.size(); ++k) {
        TensorData& in = node.inputs_[k].data();
        const bool into_value =
            k < node.value_update_alpha_.size() && node.value_update_alpha_[k].has_value();
        if (!in.requires_grad || into_value || !in.grad_is_zero) continue;
        if (node.forward_grad(k)) continue;               // the op brings its own (take())
        if (in.grad.size() == in.value.size()) continue;  // it has a buffer of the right size
        take_free_grad(in.value.size(), in.grad);
    }
}

void Tape::lend_grad_buffers(Node& node) {
    for (std::size_t k = 0; k < node.inputs_.size(); ++k) {
        Array* early = node.forward_grad(k);
        if (!early) continue;
        TensorData& in = node.inputs_[k].data();
        // A gradient that holds something (accumulating over two passes) stays; so does a
        // buffer of the right size the op already has.
        if (!in.requires_grad || !in.grad_is_zero || early->size() == in.value.size()) continue;
        if (in.grad.size() == in.value.size()) {
            std::swap(*early, in.grad);  // in.grad: no values to keep (grad_is_zero)
        } else {
            take_free_grad(in.value.size(), *early);
        }
    }
}

void Tape::release_grad(std::size_t position) {
    Node& node = *nodes_[position];
    TensorData& out = node.output_.data();
    // Held elsewhere (by the caller, a layer, an observer): its gradient stays readable.
    if (node.output_.use_count() != static_cast<long>(1 + tape_uses_[position])) return;
    if (out.grad.size() == 0) return;
    free_grads_.push_back({std::move(out.grad), passes_});
    // A moved-from array has no elements but may keep a shape (a scalar's is {}); give it the
    // shape {0}, so that the next resize to the value's shape really allocates its elements.
    static const Shape no_elements{0};
    out.grad.resize(no_elements);
    out.grad_is_zero = true;
}

void Tape::drop_unused_grad_buffers() {
    // A buffer no gradient of this pass needed (the shapes changed): give its memory back.
    auto unused = [this](const FreeGrad& f) { return f.released_in_pass != passes_; };
    free_grads_.erase(std::remove_if(free_grads_.begin(), free_grads_.end(), unused),
                      free_grads_.end());
}

void Tape::run_backward(Node& node) {
    if (!profile_) {
        node.backward();
        return;
    }
    const OpProfile::Clock::time_point start = OpProfile::Clock::now();
    node.backward();
    profile_->add_backward(node.op_name(), start);
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
        // No stored gradient: none needed, or applied to the value by backward_updating (then
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

void Tape::backward_updating(const Tensor& loss, const std::vector<ValueUpdate>& updates) {
    const std::size_t last = loss_index(loss);
    for (const ValueUpdate& u : updates) {
        if (u.node > last || u.slot >= nodes_[u.node]->inputs_.size()) {
            throw std::invalid_argument("backward_updating: no input " + std::to_string(u.slot) +
                                        " of node " + std::to_string(u.node) + " up to the loss");
        }
    }
    for (const ValueUpdate& u : updates) {
        Node& node = *nodes_[u.node];
        node.value_update_alpha_.resize(node.inputs_.size());
        node.value_update_alpha_[u.slot] = u.alpha;
    }
    // The marks hold for this pass only, also when an op throws.
    auto unmark = [&] {
        for (const ValueUpdate& u : updates) nodes_[u.node]->value_update_alpha_.clear();
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
    free_grads_.clear();
    size_ = 0;
}

void Tape::rewind() {
    // Drop the links between nodes (and to the caller's tensors) so that outputs nobody
    // else holds can be reused by the next recording.
    for (auto& node : nodes_) node->inputs_.clear();
    size_ = 0;
}

}  // namespace tapegrad
