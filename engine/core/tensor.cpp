#include "engine/core/tensor.hpp"

#include <stdexcept>
#include <string>

namespace tapegrad {

namespace {

std::string label(const TensorData& d) {
    return d.name.empty() ? "tensor " + shape_string(d.value)
                          : "tensor " + d.name + " " + shape_string(d.value);
}

}  // namespace

Tensor::Tensor(Array value, bool requires_grad, std::string name)
    : data_(std::make_shared<TensorData>()) {
    data_->value = std::move(value);
    data_->requires_grad = requires_grad;
    data_->name = std::move(name);
}

Tensor Tensor::parameter(Array value, std::string name) {
    return Tensor(std::move(value), true, std::move(name));
}

double Tensor::item() const {
    const Array& v = data().value;
    if (v.size() != 1) {
        throw std::invalid_argument("Tensor::item: " + label(data()) + " has " +
                                    std::to_string(v.size()) +
                                    " elements, item() needs exactly one");
    }
    return v.data()[0];
}

TensorData& Tensor::data() const {
    if (!data_) throw std::logic_error("tapegrad: use of an empty Tensor handle");
    return *data_;
}

const Array& Tensor::grad() const {
    const TensorData& d = data();
    if (d.grad_state == GradState::held) return d.grad;
    std::string why;
    if (!d.requires_grad) {
        why =
            "it does not require one (make it with requires_grad = true or "
            "Tensor::parameter)";
    } else if (d.grad_state == GradState::released) {
        why =
            "it is an op's output, and backward released its gradient after passing it on; "
            "call retain_grad() on it before backward to keep it";
    } else {
        why = "no backward pass has reached it" +
              std::string(d.is_leaf ? " since it was made or since zero_grad()"
                                    : " (call backward on a loss that depends on it)");
    }
    throw std::logic_error("Tensor::grad: " + label(d) + " has no gradient: " + why);
}

void Tensor::set_grad(Array g) {
    TensorData& d = data();
    if (!shapes_equal(g.shape(), d.value.shape())) {
        throw std::invalid_argument("Tensor::set_grad: gradient " + shape_string(g) + " for " +
                                    label(d) + ": the shapes differ");
    }
    d.grad = std::move(g);
    d.grad_state = GradState::held;
}

void Tensor::retain_grad() {
    TensorData& d = data();
    if (!d.requires_grad) {
        throw std::logic_error("Tensor::retain_grad: " + label(d) +
                               " requires no gradient, so backward never computes one");
    }
    d.retains_grad = true;
}

}  // namespace tapegrad
