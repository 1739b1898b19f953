#pragma once
/// Tape: records op applications in execution order and runs backpropagation over them.
///
/// There is no global tape: every op is applied through a Tape object the caller owns.
///
///     Tape tape;
///     Tensor z = tape.apply(Linear{}, x, W);                 // recorded as node 0
///     Tensor loss = tape.apply(SoftmaxCrossEntropy{{0}}, z);  // node 1
///     tape.backward(loss);                                   // W.grad() = dL/dW
///
/// Recording order is a valid evaluation order, so backward simply walks the nodes in
/// reverse: no topological sort. A node is recorded only when one of its inputs requires a
/// gradient and recording is on (see NoGrad).
///
/// backward(loss), in detail:
///   - loss must be a scalar tensor recorded on this tape; dL/dL = 1 is written into it;
///   - every node before it, walked in reverse, whose output received a gradient passes it to
///     its inputs; nodes whose output did not (branches that do not lead to the loss, nodes
///     recorded after the loss) are skipped;
///   - a tensor reached several times (used twice) gets the sum of all contributions;
///   - leaf tensors (parameters) accumulate across passes until zero_grad();
///     gradients of op outputs are recomputed from scratch on every pass.
///   A second backward on the same tape is therefore allowed and adds the same gradients to
///   the leaves again (leaf grads double); it is what PyTorch calls retain_graph=True.
///
/// backward_updating(loss, updates): the same pass, where the gradient that each listed node
///   passes to one of its inputs is applied to that input's value, value <- value + alpha * g,
///   instead of being stored. It is the primitive of the fused optimizer step; when that is
///   safe, and the step itself, live in engine/optim/fused_sgd.hpp.
///
/// Reuse between training steps:
///   clear()  forgets every node and frees its buffers.
///   rewind() forgets the recording but keeps the nodes: the next recording that applies the
///            same op type at the same position reuses that node's output and gradient
///            buffers, so a training loop allocates nothing at size after its first step.
///            An output the caller still holds a handle to is never overwritten: the node
///            then gets a fresh output tensor.
///
/// Gradient memory: the gradient of an op output is needed only until its node's backward
///   has passed it on. When nobody but the tape holds the output (no handle outside the
///   recording), backward releases that gradient buffer right after the node ran, into a pool
///   the tape keeps; the next gradient of the same number of elements reuses it. So a pass
///   holds, besides the leaves' gradients, only the gradients still to be passed on (about
///   those of one residual block), not one per node, and a replayed step still allocates
///   nothing. To read an intermediate's gradient after backward (dL/dz in the walkthrough),
///   keep its Tensor: a held output keeps its gradient, as PyTorch's retain_grad() does.
///   An op that computes input gradients in its forward (Node::forward_grad) is lent, before
///   that forward, the buffer of each such input's gradient when the gradient holds nothing
///   (zero_grad, or released) — the tensor's own, else a pooled one — and backward swaps it
///   back: the gradient exists once, not in the op and again in the tensor.
///
/// Anomaly detection (opt-in, set_check_finite(true)): after every op's forward and every
/// node's backward the tape looks for a NaN or an infinity in what it just produced and
/// throws NonFiniteError at the first one, naming the op, its position on the tape and the
/// input shapes, so a loss that turns into nan can be traced to the op where it started.
/// It costs one pass over each output and gradient, so it is off by default.
///
/// Profiling (opt-in, set_profile(&profile)): the tape times every op's forward and every
/// node's backward and adds them to an OpProfile by op name (engine/inspect/op_profile.hpp).

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/node.hpp"
#include "engine/core/non_finite_error.hpp"
#include "engine/core/tensor.hpp"
#include "engine/inspect/backward_observer.hpp"
#include "engine/inspect/op_profile.hpp"

namespace tapegrad {

class Tape {
public:
    /// Applies `op` to the input tensors, records it (when a gradient may flow) and returns
    /// the output tensor.
    template <class Op, class... Ts>
    Tensor apply(Op op, const Ts&... input_tensors) {
        constexpr std::size_t N = sizeof...(Ts);
        std::array<Tensor, N> in{input_tensors...};
        bool wants_grad = false;
        for (const Tensor& t : in) {
            if (!t.defined())
                throw std::invalid_argument(std::string(Op::name) +
                                            ": an input is an empty Tensor");
            wants_grad = wants_grad || t.requires_grad();
        }
        if (!recording_ || !wants_grad) return run_unrecorded<Op, N>(std::move(op), in);

        OpNode<Op, N>& node = node_at<Op, N>(size_);
        node.replace_op(std::move(op));  // keeps the previous step's saved state's memory
        node.inputs_.assign(in.begin(), in.end());
        // Reuse the output buffer only if no one but the node holds it.
        if (!node.output_.defined() || node.output_.use_count() > 1)
            node.output_ = Tensor(Array(), true);
        node.output_.data().grad_is_zero = true;
        lend_grad_buffers(node);
        run_forward(node);  // may throw std::invalid_argument: then nothing is recorded
        if (check_finite_) check_forward(node, size_);
        ++size_;
        return node.output_;
    }

    void backward(const Tensor& loss);
    /// The same pass, with `observer` told about each node it visits (for printing a trace).
    void backward(const Tensor& loss, BackwardObserver& observer);

    /// Node `node` applies its gradient for input `slot` to that input's value:
    ///     value <- value + alpha * dL/d(value)
    struct ValueUpdate {
        std::size_t node;
        std::size_t slot;
        double alpha;
    };
    void backward_updating(const Tensor& loss, const std::vector<ValueUpdate>& updates);

    /// Position of `loss` on the tape; throws std::invalid_argument when it is not a scalar
    /// recorded here.
    std::size_t loss_index(const Tensor& loss) const;

    /// Number of recorded nodes and access to them (for printing and tests).
    std::size_t size() const { return size_; }
    const Node& node(std::size_t i) const;

    void clear();
    void rewind();

    /// Bytes of the gradient buffers backward released and keeps for the next pass (see
    /// "Gradient memory" above).
    std::size_t free_grad_bytes() const {
        std::size_t bytes = 0;
        for (const FreeGrad& f : free_grads_) bytes += f.buffer.size() * sizeof(double);
        return bytes;
    }

    bool recording() const { return recording_; }
    void set_recording(bool on) { recording_ = on; }

    bool check_finite() const { return check_finite_; }
    void set_check_finite(bool on) { check_finite_ = on; }

    /// The profile that times every forward and backward from now on; nullptr (the default)
    /// to stop. The tape does not own it.
    OpProfile* profile() const { return profile_; }
    void set_profile(OpProfile* profile) { profile_ = profile; }

private:
    void backward_from(const Tensor& loss, std::size_t loss_index);

    template <class Op, std::size_t N>
    Tensor run_unrecorded(Op op, const std::array<Tensor, N>& in) {
        OpNode<Op, N> node;
        node.op = std::move(op);
        node.inputs_.assign(in.begin(), in.end());
        node.output_ = Tensor(Array(), false);
        run_forward(node);
        if (check_finite_) check_forward(node, not_recorded);
        return node.output_;
    }

    static constexpr std::size_t not_recorded = static_cast<std::size_t>(-1);

    void run_forward(Node& node) {
        if (!profile_) {
            node.forward();
            return;
        }
        const OpProfile::Clock::time_point start = OpProfile::Clock::now();
        node.forward();
        profile_->add_forward(node.op_name(), start);
    }
    void run_backward(Node& node);
    // Gradient memory (see above): how many recorded inputs are each node's output, a pooled
    // buffer for every input whose gradient this pass has none for yet, and the release of an
    // output's gradient once its node has run.
    void count_tape_uses();
    void give_grad_buffers(Node& node);
    // Before the forward of an op that writes input gradients there (Node::forward_grad):
    // lends it the buffer of each such input's empty gradient, or a pooled one.
    void lend_grad_buffers(Node& node);
    // Moves a pooled buffer of `elements` doubles into `into`; false when the pool has none.
    bool take_free_grad(std::size_t elements, Array& into);
    void release_grad(std::size_t position);
    void drop_unused_grad_buffers();
    // Throw NonFiniteError when the node's output / its inputs' new gradients hold a NaN or inf.
    void check_forward(const Node& node, std::size_t position) const;
    void check_backward(const Node& node, std::size_t position) const;

    template <class Op, std::size_t N>
    OpNode<Op, N>& node_at(std::size_t position) {
        if (position == nodes_.size()) nodes_.push_back(nullptr);
        auto* reusable = dynamic_cast<OpNode<Op, N>*>(nodes_[position].get());
        if (reusable) return *reusable;
        auto fresh = std::make_unique<OpNode<Op, N>>();
        OpNode<Op, N>& ref = *fresh;
        nodes_[position] = std::move(fresh);
        return ref;
    }

    std::vector<std::unique_ptr<Node>> nodes_;  // [0, size_) is the current recording
    std::size_t size_ = 0;
    bool recording_ = true;
    bool check_finite_ = false;
    BackwardObserver* observer_ = nullptr;  // set only during backward(loss, observer)
    OpProfile* profile_ = nullptr;          // set_profile
    struct FreeGrad {
        Array buffer;
        unsigned long released_in_pass;
    };
    std::vector<FreeGrad> free_grads_;    // released gradient buffers, reused by size
    unsigned long passes_ = 0;            // backward passes run, to date the releases
    std::vector<std::size_t> tape_uses_;  // per node: times its output is a recorded input
    std::vector<std::pair<const TensorData*, std::size_t>> producers_;  // scratch, sorted
};

}  // namespace tapegrad
