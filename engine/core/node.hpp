#pragma once
/// Node: one recorded op application on a Tape, the single virtual base of the engine.
/// OpNode<Op, N> adapts any op struct with N inputs to it.
///
/// The op contract (ops/README.md, "The op contract"): an op is a plain struct with
///     static constexpr const char* name;
///     void forward(const Inputs<N>& in, Array& out);
///         computes the output from the input values; `out` may hold the previous step's
///         buffer (resize it; it keeps its memory when the shape is unchanged)
///     void backward(const Inputs<N>& in, const Array& out, const Array& grad_out,
///                   GradTargets<N>& grad);
///         given dL/d(out), writes dL/d(in[i]) into grad[i] for every grad[i].wanted()
/// Members of the op are its configuration (e.g. target classes). What forward saves for
/// backward goes into one member named `saved`: when the tape replays a node after rewind(),
/// it moves the previous step's `saved` into the new op before forward, so saved arrays keep
/// their memory from step to step like `out` does. The engine owns inputs, output and
/// gradients, checks each gradient's shape and accumulates.
///
/// Optional, only for the fused optimizer step (engine/optim/fused_sgd.hpp):
///     static constexpr bool in_place_update_safe(std::size_t i);
///         true when backward reads input i for the last time before it writes grad[i], so
///         the gradient may be applied to input i's value directly.
///
/// Optional, for an op whose forward already computes input gradients (LinearCrossEntropy):
///     Array* forward_grad(std::size_t i);
///         the array in `saved` into which forward writes dL/d(in[i]) for dL/d(out) = 1, or
///         nullptr. Before such a node's forward, the tape lends it the input's gradient
///         buffer when that holds nothing (zero_grad, or released) and the op has no buffer
///         of that size: from the tensor itself, else from the tape's pool. backward then
///         hands the gradient over with grad[i].take(...), which swaps the buffers. So the
///         gradient exists once, not in `saved` and again in the tensor. After a take `saved`
///         no longer holds it: a second backward over the same recording must compute it again.

#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tensor.hpp"
#include "engine/inspect/op_formula.hpp"

namespace tapegrad {

class Node {
public:
    virtual ~Node() = default;
    virtual const char* op_name() const = 0;
    /// The op's formula text, nullptr when it states none (see engine/inspect/op_formula.hpp).
    virtual const char* forward_formula() const { return nullptr; }
    virtual const char* backward_formula() const { return nullptr; }
    virtual void forward() = 0;
    /// Propagates output().grad() to the inputs that require a gradient.
    virtual void backward() = 0;
    /// The op's in_place_update_safe(i), false when the op does not declare it.
    virtual bool in_place_update_safe(std::size_t i) const = 0;
    /// The op's forward_grad(i), nullptr when the op does not declare it.
    virtual Array* forward_grad(std::size_t i) = 0;

    const std::vector<Tensor>& inputs() const { return inputs_; }
    const Tensor& output() const { return output_; }

protected:
    friend class Tape;
    std::vector<Tensor> inputs_;
    Tensor output_;
    // Set by Tape::backward_updating for one pass only (empty otherwise): when
    // value_update_alpha_[i] holds a value, input i's gradient g is not stored but applied to
    // the input's value, value <- value + alpha * g (a fused optimizer step).
    std::vector<std::optional<double>> value_update_alpha_;
};

namespace detail {
template <class Op, class = void>
struct declares_in_place_update : std::false_type {};
template <class Op>
struct declares_in_place_update<Op, std::void_t<decltype(Op::in_place_update_safe(std::size_t{}))>>
    : std::true_type {};
template <class Op, class = void>
struct declares_forward_grad : std::false_type {};
template <class Op>
struct declares_forward_grad<Op,
                             std::void_t<decltype(std::declval<Op&>().forward_grad(std::size_t{}))>>
    : std::true_type {};
template <class Op, class = void>
struct has_saved_state : std::false_type {};
template <class Op>
struct has_saved_state<Op, std::void_t<decltype(std::declval<Op&>().saved)>> : std::true_type {};
}  // namespace detail

template <class Op, std::size_t N>
class OpNode final : public Node {
public:
    Op op;

    const char* op_name() const override { return Op::name; }
    const char* forward_formula() const override { return forward_formula_of<Op>(N); }
    const char* backward_formula() const override { return backward_formula_of<Op>(N); }

    /// Replaces the recorded op by `next` (the same op type applied again at this position
    /// after rewind()), handing it this step's saved state so its buffers are reused.
    void replace_op(Op&& next) {
        if constexpr (detail::has_saved_state<Op>::value) next.saved = std::move(op.saved);
        op = std::move(next);
    }

    void forward() override {
        TensorData& out = output_.data();
        op.forward(input_values(), out.value);
    }

    void backward() override {
        TensorData& out = output_.data();
        GradTargets<N> grad;
        for (std::size_t i = 0; i < N; ++i) {
            TensorData& in = inputs_[i].data();
            if (!in.requires_grad) continue;
            if (updates_value(i)) {  // a fused step: the gradient goes into the value
                grad[i] =
                    GradTarget(Op::name, i, &in.value, *value_update_alpha_[i], 1.0, &scratch_[i]);
                continue;
            }
            // The first contribution (beta = 0) gives the gradient the input's shape when the op
            // writes it (GradTarget; no allocation when it has the elements, none at all when
            // the op hands over its own buffer with take()).
            if (in.grad_is_zero && used_twice(i)) {
                // The same tensor is input twice (e.g. Mul(x, x)): both contributions must add,
                // in whatever order the op writes them, so start from explicit zeros.
                in.grad.resize(in.value.shape());  // keeps its memory when the shape is unchanged
                in.grad.fill(0.0);
                in.grad_is_zero = false;
            }
            const double beta = in.grad_is_zero ? 0.0 : 1.0;
            grad[i] = GradTarget(Op::name, i, &in.grad, 1.0, beta, &scratch_[i], &in.value.shape());
        }
        op.backward(input_values(), out.value, out.grad, grad);
        for (std::size_t i = 0; i < N; ++i) {
            if (!grad[i].wanted()) continue;
            TensorData& in = inputs_[i].data();
            if (!grad[i].written()) {
                throw std::logic_error(std::string(Op::name) +
                                       "::backward did not write the gradient for input " +
                                       std::to_string(i) + " of shape " + shape_string(in.value));
            }
            grad[i].finish();
            if (updates_value(i)) continue;        // no gradient stored: it is in the value
            grad[i].check_shape(in.grad.shape());  // an op must not resize the target
            in.grad_is_zero = false;
        }
    }

    bool in_place_update_safe(std::size_t i) const override {
        if constexpr (detail::declares_in_place_update<Op>::value) {
            return Op::in_place_update_safe(i);
        } else {
            return false;
        }
    }

    Array* forward_grad(std::size_t i) override {
        if constexpr (detail::declares_forward_grad<Op>::value) {
            return op.forward_grad(i);
        } else {
            static_cast<void>(i);
            return nullptr;
        }
    }

private:
    Inputs<N> input_values() const {
        std::array<const Array*, N> values{};
        for (std::size_t i = 0; i < N; ++i) values[i] = &inputs_[i].data().value;
        return Inputs<N>(values);
    }
    bool updates_value(std::size_t i) const {
        return i < value_update_alpha_.size() && value_update_alpha_[i].has_value();
    }
    bool used_twice(std::size_t i) const {
        for (std::size_t j = 0; j < N; ++j)
            if (j != i && inputs_[j].same_as(inputs_[i])) return true;
        return false;
    }

    // Per input, the buffer GradTarget::array() hands out when the gradient must be added to
    // (not written over) what the tensor holds; kept with the node from step to step.
    std::array<Array, N> scratch_;
};

}  // namespace tapegrad
