#pragma once
/// TapeHooks: the one way to watch a tape at work, for the tools in engine/inspect (the
/// backward trace, anomaly detection, the profiler) and for a user's own.
///
///     tape.add_hooks(hooks);     // from now on, until remove_hooks(hooks)
///     tape.backward(loss, hooks) // for one backward pass only
///
/// For every op the tape runs, and every node a backward pass visits:
///     before_forward(position, node)   the inputs are set, the output not computed yet
///     after_forward(position, node)    node.output().value() holds the result
///     before_backward(position, node)  node.output().grad() holds dL/d(output)
///     after_backward(position, node)   each input's grad() holds what has reached it so far
/// `position` is the node's place on the tape, or not_recorded for an op applied while nothing
/// needs a gradient (it runs forward only). A hook may read values and gradients, not change
/// them; an exception it throws leaves the tape as an exception in the op would.

#include <cstddef>

namespace tapegrad {

class Node;

/// The position of an op that was run but not recorded.
inline constexpr std::size_t not_recorded = static_cast<std::size_t>(-1);

class TapeHooks {
public:
    virtual ~TapeHooks() = default;
    virtual void before_forward(std::size_t /*position*/, const Node& /*node*/) {}
    virtual void after_forward(std::size_t /*position*/, const Node& /*node*/) {}
    virtual void before_backward(std::size_t /*position*/, const Node& /*node*/) {}
    virtual void after_backward(std::size_t /*position*/, const Node& /*node*/) {}
};

}  // namespace tapegrad
