#pragma once
/// NodeStore: the tape's nodes, and their reuse from one recording to the next.
///
/// A training loop records the same ops in the same order every step. After Tape::rewind()
/// the store keeps last step's nodes: when the next recording applies the same op type at the
/// same position, record() reuses that node, so its output buffer, its saved state (the op's
/// member `saved`, moved into the new op) and its gradient scratch keep their memory, and a
/// replayed step allocates nothing at size. An output the caller still holds a handle to is
/// never overwritten: the node then gets a fresh output tensor.

#include <array>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/core/node.hpp"

namespace tapegrad {

namespace detail {
template <class Op, class = void>
struct has_saved_state : std::false_type {};
template <class Op>
struct has_saved_state<Op, std::void_t<decltype(std::declval<Op&>().saved)>> : std::true_type {};
}  // namespace detail

class NodeStore {
public:
    /// The node for `op` applied to `inputs` at `position` (0 .. size()), its output a fresh
    /// op output (is_leaf = false, no gradient). Reuses the node kept there when it has the
    /// same type.
    template <class Op, std::size_t N>
    OpNode<Op, N>& record(std::size_t position, Op&& op, const std::array<Tensor, N>& inputs) {
        if (position == nodes_.size()) nodes_.push_back(nullptr);
        auto* node = dynamic_cast<OpNode<Op, N>*>(nodes_[position].get());
        if (!node) {
            nodes_[position] = std::make_unique<OpNode<Op, N>>();
            node = static_cast<OpNode<Op, N>*>(nodes_[position].get());
        }
        if constexpr (detail::has_saved_state<Op>::value) op.saved = std::move(node->op.saved);
        node->op = std::move(op);
        node->inputs_.assign(inputs.begin(), inputs.end());
        // Reuse the output buffer only if no one but the node holds it.
        if (!node->output_.defined() || node->output_.use_count() > 1)
            node->output_ = Tensor(Array(), true);
        TensorData& out = node->output_.data();
        out.is_leaf = false;
        out.retains_grad = false;
        out.grad_state = GradState::none;
        return *node;
    }

    /// A node that is run once and not kept (an op applied while nothing needs a gradient).
    template <class Op, std::size_t N>
    static OpNode<Op, N> unrecorded(Op&& op, const std::array<Tensor, N>& inputs) {
        OpNode<Op, N> node;
        node.op = std::move(op);
        node.inputs_.assign(inputs.begin(), inputs.end());
        node.output_ = Tensor(Array(), false);
        return node;
    }

    Node& operator[](std::size_t position) { return *nodes_[position]; }
    const Node& operator[](std::size_t position) const { return *nodes_[position]; }

    /// Drops the links between the kept nodes and to the caller's tensors, so that outputs
    /// nobody else holds can be reused by the next recording.
    void rewind() {
        for (auto& node : nodes_) node->inputs_.clear();
    }
    /// Forgets every node and frees its buffers.
    void clear() { nodes_.clear(); }

private:
    std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace tapegrad
