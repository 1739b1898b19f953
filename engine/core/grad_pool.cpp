#include "engine/core/grad_pool.hpp"

#include <algorithm>
#include <utility>

namespace tapegrad {

void GradPool::provide(const Node& node) {
    for (const Tensor& input : node.inputs()) provide(input.data());
}

void GradPool::provide(TensorData& t) {
    if (!enabled_ || !t.requires_grad || t.grad_state == GradState::held) return;
    const std::size_t elements = t.value.size();
    if (t.grad.size() == elements) return;  // it has a buffer of the right size
    for (Free& f : free_) {
        if (f.buffer.size() != elements) continue;
        std::swap(f, free_.back());
        t.grad = std::move(free_.back().buffer);  // its writer reshapes it: no allocation
        free_.pop_back();
        return;
    }
}

void GradPool::release(TensorData& output) {
    output.grad_state = GradState::released;
    if (output.grad.size() == 0) return;
    if (enabled_) free_.push_back({std::move(output.grad), true});
    // Moved into the pool, or (reuse off) freed by the resize: a moved-from array has no
    // elements but may keep a shape (a scalar's is {}); the shape {0} makes the next resize to
    // the value's shape really allocate its elements.
    static const Shape no_elements{0};
    output.grad.resize(no_elements);
}

void GradPool::end_pass() {
    // A buffer no gradient of this pass needed (the shapes changed): give its memory back.
    auto unused = [](const Free& f) { return !f.released_in_pass; };
    free_.erase(std::remove_if(free_.begin(), free_.end(), unused), free_.end());
    for (Free& f : free_) f.released_in_pass = false;
}

std::size_t GradPool::free_bytes() const {
    std::size_t bytes = 0;
    for (const Free& f : free_) bytes += f.buffer.size() * sizeof(double);
    return bytes;
}

}  // namespace tapegrad
