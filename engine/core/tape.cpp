#include "engine/core/tape.hpp"

#include <algorithm>

namespace tapegrad {

void Tape::backward(const Tensor& loss) {
    const std::size_t last = loss_index(loss);

    // The op outputs' gradients belong to one pass: forget the previous pass's.
    for (std::size_t i = 0; i < size_; ++i) nodes_[i].output().data().grad_state = GradState::none;

    TensorData& seed = loss.data();
    pool_.provide(seed);
    seed.grad.resize(seed.value.shape());
    seed.grad.fill(1.0);  // dL/dL = 1
    seed.grad_state = GradState::held;

    for (std::size_t i = last + 1; i-- > 0;) {
        Node& node = nodes_[i];
        TensorData& out = node.output().data();
        if (out.grad_state != GradState::held) continue;  // no path from here to the loss
        for (TapeHooks* h : hooks_) h->before_backward(i, node);
        pool_.provide(node);
        node.backward();
        for (TapeHooks* h : hooks_) h->after_backward(i, node);
        if (!out.retains_grad) pool_.release(out);  // passed on: dL/d(output) is done
    }
    pool_.end_pass();
}

void Tape::run_forward(std::size_t position, Node& node) {
    for (TapeHooks* h : hooks_) h->before_forward(position, node);
    node.forward();
    for (TapeHooks* h : hooks_) h->after_forward(position, node);
}

std::size_t Tape::loss_index(const Tensor& loss) const {
    if (!loss.defined()) throw std::invalid_argument("backward: the loss is an empty Tensor");
    if (loss.value().size() != 1) {
        throw std::invalid_argument("backward: the loss must be a scalar, got shape " +
                                    shape_string(loss.value()));
    }
    for (std::size_t i = size_; i-- > 0;)
        if (nodes_[i].output().same_as(loss)) return i;
    throw std::invalid_argument(
        "backward: the loss was not recorded on this tape (no input required a gradient, "
        "recording was off, or it came from another tape)");
}

void Tape::backward(const Tensor& loss, TapeHooks& hooks) {
    add_hooks(hooks);
    try {
        backward(loss);
    } catch (...) {
        remove_hooks(hooks);
        throw;
    }
    remove_hooks(hooks);
}

void Tape::remove_hooks(TapeHooks& hooks) {
    hooks_.erase(std::remove(hooks_.begin(), hooks_.end(), &hooks), hooks_.end());
}

const Node& Tape::node(std::size_t i) const {
    if (i >= size_) {
        throw std::out_of_range("Tape::node: index " + std::to_string(i) + " but the tape holds " +
                                std::to_string(size_) + " nodes");
    }
    return nodes_[i];
}

void Tape::clear() {
    nodes_.clear();
    pool_.clear();
    size_ = 0;
}

void Tape::rewind() {
    nodes_.rewind();
    size_ = 0;
}

}  // namespace tapegrad
