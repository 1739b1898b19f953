#include "engine/core/tensor.hpp"

#include <stdexcept>
#include <string>

namespace tapegrad {

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
        throw std::invalid_argument("Tensor::item: tensor" +
                                    (name().empty() ? std::string() : " " + name()) + " " +
                                    shape_string(v) + " has " + std::to_string(v.size()) +
                                    " elements, item() needs exactly one");
    }
    return v.data()[0];
}

TensorData& Tensor::data() const {
    if (!data_) throw std::logic_error("tapegrad: use of an empty Tensor handle");
    return *data_;
}

const Array& Tensor::grad() const {
    TensorData& d = data();
    // zero_grad() only sets a flag (no pass over a large buffer); the zeros are written here,
    // when someone actually looks.
    if (d.grad_is_zero) {
        d.grad.resize(d.value.shape());
        d.grad.fill(0.0);
    }
    return d.grad;
}

}  // namespace tapegrad
