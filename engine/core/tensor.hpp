#pragma once
/// Tensor: a shared handle to a value, its gradient dL/d(value), and whether it wants one.
///
/// Copies of a Tensor refer to the same data (like a PyTorch tensor or a shared_ptr): an op's
/// output handed to the next op, an optimizer's parameter list and the caller all see one value.
///
/// The gradient-lifetime rule, PyTorch's:
///     a leaf (a tensor you made) accumulates its gradient over backward passes until
///     zero_grad(); an op's output keeps its gradient after backward only if retain_grad()
///     was called on it before; reading any other gradient throws, saying why and what to call.
/// So grad() never shows a stale or an empty array: it is a gradient of the passes you ran.

#include <memory>
#include <string>

#include "engine/core/array.hpp"

namespace tapegrad {

enum class GradState {
    none,      // no backward pass has reached it (since it was made, or since zero_grad())
    held,      // grad holds dL/d(value)
    released,  // an op's output not retained: backward passed its gradient on and freed it
};

/// What a Tensor handle points to. The engine (Node, Tape) writes `grad` during backward.
struct TensorData {
    Array value;
    Array grad;  // dL/d(value) when grad_state is held; otherwise a buffer kept for reuse
    GradState grad_state = GradState::none;
    bool requires_grad = false;  // leaf parameters set this; op outputs inherit it
    bool is_leaf = true;         // false for the output of an op recorded on a tape
    bool retains_grad = false;   // retain_grad() was called
    std::string name;            // for printing and error messages
};

class Tensor {
public:
    Tensor() = default;  // an empty handle: defined() is false
    explicit Tensor(Array value, bool requires_grad = false, std::string name = {});

    /// A trainable leaf: requires_grad = true.
    static Tensor parameter(Array value, std::string name);

    bool defined() const { return data_ != nullptr; }
    const Array& value() const { return data().value; }
    Array& value() { return data().value; }  // e.g. for an optimizer step
    const Shape& shape() const { return data().value.shape(); }
    /// The value of a one-element tensor (a loss); else throws std::invalid_argument.
    double item() const;

    /// dL/d(value), of the value's shape. When there is none, throws std::logic_error naming
    /// the tensor and why (it requires none; no pass reached it; released: call retain_grad()).
    const Array& grad() const;
    bool has_grad() const { return data().grad_state == GradState::held; }
    GradState grad_state() const { return data().grad_state; }
    /// Forgets the gradient (the next backward writes a fresh one); its memory is kept.
    void zero_grad() { data().grad_state = GradState::none; }
    /// Sets the gradient by hand (torch's `p.grad = g`); throws std::invalid_argument when g's
    /// shape is not the value's.
    void set_grad(Array g);

    /// An op's output keeps its gradient after backward (call it before). Throws
    /// std::logic_error on a tensor that requires no gradient.
    void retain_grad();
    bool retains_grad() const { return data().retains_grad; }
    bool is_leaf() const { return data().is_leaf; }

    bool requires_grad() const { return data().requires_grad; }
    const std::string& name() const { return data().name; }
    void set_name(std::string name) { data().name = std::move(name); }

    /// True when both handles refer to the same tensor.
    bool same_as(const Tensor& other) const { return data_ == other.data_; }
    /// How many handles share this tensor (a replayed node reuses only an output nobody holds).
    long use_count() const { return data_.use_count(); }

    /// The shared data; throws std::logic_error on an empty handle.
    TensorData& data() const;

private:
    std::shared_ptr<TensorData> data_;
};

}  // namespace tapegrad
