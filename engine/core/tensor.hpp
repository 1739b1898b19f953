#pragma once
/// Tensor: a shared handle to a value, its gradient dL/d(value), and whether it wants one.
///
/// Copies of a Tensor refer to the same data (like a PyTorch tensor or a shared_ptr): an op's
/// output handed to the next op, an optimizer's parameter list and the caller all see one value.
/// Gradients accumulate: every backward pass adds what reaches the tensor, until zero_grad().

#include <memory>
#include <string>

#include "engine/core/array.hpp"

namespace tapegrad {

/// What a Tensor handle points to. The Tape writes `grad` directly during backward.
struct TensorData {
    Array value;
    Array grad;                  // dL/d(value), same shape as value once written
    bool grad_is_zero = true;    // grad holds no contribution yet (its buffer may be stale)
    bool requires_grad = false;  // leaf parameters set this; op outputs inherit it
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
    /// The value of a one-element tensor (a loss); throws std::invalid_argument naming the
    /// tensor and its shape when it holds another number of elements.
    double item() const;

    /// dL/d(value) summed over every backward pass since the last zero_grad();
    /// zeros of the value's shape when no gradient has reached the tensor.
    const Array& grad() const;
    bool has_grad() const { return !data().grad_is_zero; }
    void zero_grad() { data().grad_is_zero = true; }

    bool requires_grad() const { return data().requires_grad; }
    const std::string& name() const { return data().name; }
    void set_name(std::string name) { data().name = std::move(name); }

    /// True when both handles refer to the same tensor.
    bool same_as(const Tensor& other) const { return data_ == other.data_; }
    /// How many handles share this tensor (the tape uses it to decide whether it may reuse
    /// an output buffer when it replays a recording).
    long use_count() const { return data_.use_count(); }

    /// The shared data; throws std::logic_error on an empty handle.
    TensorData& data() const;

private:
    std::shared_ptr<TensorData> data_;
};

}  // namespace tapegrad
