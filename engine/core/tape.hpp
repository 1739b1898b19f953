#pragma once
/// Tape: records op applications in execution order and runs backpropagation over them.
/// There is no global tape: every op is applied through a Tape object the caller owns.
///
///     Tape tape;
///     Tensor z = tape.apply(Linear{}, x, W);                 // recorded as node 0
///     Tensor loss = tape.apply(SoftmaxCrossEntropy{{0}}, z);  // node 1
///     tape.backward(loss);                                   // W.grad() = dL/dW
///
/// A node is recorded only when an input requires a gradient and recording is on (NoGrad).
/// Recording order is a valid evaluation order, so backward(loss) seeds dL/dL = 1 and walks
/// the nodes in reverse, no topological sort: each node whose output received a gradient
/// passes it to its inputs (Node::backward); the others (branches that do not lead to the
/// loss) are skipped. A tensor reached twice gets the sum. Gradients then follow the rule in
/// tensor.hpp. A second backward over one recording computes the op outputs' gradients afresh
/// and adds to the leaves' again (PyTorch's retain_graph=True).
///
/// rewind() forgets the recording but keeps the nodes for the next one to reuse (node_store.hpp);
/// clear() forgets them too. Gradient buffers come from grad_pool.hpp; tools that watch the
/// tape (trace, anomaly checks, profiler) attach through tape_hooks.hpp.

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/grad_pool.hpp"
#include "engine/core/node.hpp"
#include "engine/core/node_store.hpp"
#include "engine/core/tape_hooks.hpp"
#include "engine/core/tensor.hpp"

namespace tapegrad {

class Tape {
public:
    /// Applies `op` to the inputs, records it (when a gradient may flow), returns the output.
    /// When the op's forward throws, nothing is recorded.
    template <class Op, class... Ts>
    Tensor apply(Op op, const Ts&... input_tensors) {
        constexpr std::size_t N = sizeof...(Ts);
        const std::array<Tensor, N> in{input_tensors...};
        bool wants_grad = false;
        for (const Tensor& t : in) {
            if (!t.defined())
                throw std::invalid_argument(std::string(op.name) + ": an input is an empty Tensor");
            wants_grad = wants_grad || t.requires_grad();
        }
        if (!recording_ || !wants_grad) {
            OpNode<Op, N> node = NodeStore::unrecorded(std::move(op), in);
            run_forward(not_recorded, node);
            return node.output();
        }
        Node& node = nodes_.record(size_, std::move(op), in);
        run_forward(size_, node);
        ++size_;
        return node.output();
    }

    void backward(const Tensor& loss);
    /// The same pass, with `hooks` attached for this pass only (e.g. to print a trace).
    void backward(const Tensor& loss, TapeHooks& hooks);

    /// Position of `loss` on the tape; throws std::invalid_argument unless it is a scalar
    /// recorded here.
    std::size_t loss_index(const Tensor& loss) const;

    /// The recorded nodes (for printing and tests).
    std::size_t size() const { return size_; }
    const Node& node(std::size_t i) const;

    void clear();
    void rewind();

    bool recording() const { return recording_; }
    void set_recording(bool on) { recording_ = on; }

    /// Hooks that see every forward and backward from now on; the tape does not own them.
    void add_hooks(TapeHooks& hooks) { hooks_.push_back(&hooks); }
    void remove_hooks(TapeHooks& hooks);

    /// Where gradient buffers come from during backward (grad_pool.hpp), e.g. to switch reuse
    /// off or to see the bytes it keeps for the next pass.
    GradPool& grad_pool() { return pool_; }

private:
    void run_forward(std::size_t position, Node& node);

    NodeStore nodes_;  // [0, size_) is the current recording
    std::size_t size_ = 0;
    bool recording_ = true;
    GradPool pool_;
    std::vector<TapeHooks*> hooks_;
};

}  // namespace tapegrad
