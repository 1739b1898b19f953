#pragma once
/// GradPool: where the gradients of op outputs get their memory during backward.
///
/// An op output's gradient is needed only until its node's backward has passed it on. Unless
/// the output retains its gradient (Tensor::retain_grad), the tape hands that buffer back here
/// right after the node ran (release), and the next gradient of the same number of elements
/// takes it (provide). So a backward pass holds, besides the leaves' gradients, only the
/// gradients still to be passed on (about those of one residual block), not one per node; and
/// since the pool is kept from pass to pass, a replayed training step allocates nothing.
///
/// The tape calls it at these points of a pass:
///     provide(loss)   for the seed dL/dL = 1
///     provide(node)   before node's backward: each input that has no gradient in this pass
///                     and no buffer of its size gets a pooled one (its contents are
///                     arbitrary: the first contribution overwrites them)
///     release(t)      after node's backward: t's gradient buffer comes back, t.grad_state()
///                     becomes released
///     end_pass()      frees the buffers no gradient of this pass took (the shapes changed)
///
/// set_enabled(false) turns the reuse off: release() frees the buffer, provide() does nothing,
/// and every gradient is allocated where it is first written. The doubles are the same either
/// way (tests/test_grad_pool.cpp runs a whole tiny-decoder training both ways); only memory
/// and allocations differ.

#include <cstddef>
#include <vector>

#include "engine/core/node.hpp"

namespace tapegrad {

class GradPool {
public:
    void provide(const Node& node);
    void provide(TensorData& t);
    void release(TensorData& output);
    void end_pass();
    void clear() { free_.clear(); }
    void set_enabled(bool on) {
        enabled_ = on;
        if (!on) clear();
    }
    bool enabled() const { return enabled_; }

    /// Bytes of the buffers kept for the next pass.
    std::size_t free_bytes() const;

private:
    struct Free {
        Array buffer;
        bool released_in_pass;  // released since the last end_pass()
    };
    std::vector<Free> free_;
    bool enabled_ = true;
};

}  // namespace tapegrad
