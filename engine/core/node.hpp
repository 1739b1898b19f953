#pragma once
/// Node: one recorded op application on a Tape, the single virtual base of the engine.
/// OpNode<Op, N> adapts any op struct with N inputs to it.
///
/// The op contract (see the README, "Adding a layer"): an op is a plain struct with
///     static constexpr const char* name;
///     void forward(const Inputs<N>& in, Array& out);
///         computes the output from the input values; `out` may hold the previous step's
///         buffer (resize it; it keeps its memory when the shape is unchanged)
///     void backward(const Inputs<N>& in, const Array& out, const Array& grad_out,
///                   GradTargets<N>& grad);
///         given dL/d(out), writes dL/d(in[i]) into grad[i] for every grad[i].wanted()
/// Members of the op are its configuration (e.g. target classes) and whatever small state
/// forward saves for backward. The engine owns inputs, output and gradients, checks each
/// gradient's shape and accumulates.
///
/// Optional, for a fused optimizer step (see Tape::backward_with_updates):
///     static constexpr bool in_place_update_safe(std::size_t i);
///         true when backward reads input i for the last time before it writes grad[i], so
///         the engine may point grad[i] at input i's own value (value <- value + alpha * g).
///         Ops without it never get such a target.
///     void take_buffers(Op& previous);
///         called by the tape when it replays a node after rewind(), before forward, with the
///         op of the previous recording at this position: the op may move that one's saved
///         arrays into itself (they keep their memory when the shape is unchanged), so that
///         state kept for backward costs no allocation at size after the first step.

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

    const std::vector<Tensor>& inputs() const { return inputs_; }
    const Tensor& output() const { return output_; }

protected:
    friend class Tape;
    std::vector<Tensor> inputs_;
    Tensor output_;
    // Set by the Tape for one backward pass only (empty otherwise): when in_place_alpha_[i]
    // holds a value, input i's gradient g is not stored but applied to the input itself,
    // value <- value + alpha * g (an optimizer step fused into backward).
    std::vector<std::optional<double>> in_place_alpha_;
};

namespace detail {
template <class Op, class = void>
struct declares_in_place_update : std::false_type {};
template <class Op>
struct declares_in_place_update<Op, std::void_t<decltype(Op::in_place_update_safe(std::size_t{}))>>
    : std::true_type {};
template <class Op, class = void>
struct takes_buffers : std::false_type {};
template <class Op>
struct takes_buffers<Op,
                     std::void_t<decltype(std::declval<Op&>().take_buffers(std::declval<Op&>()))>>
    : std::true_type {};
}  // namespace detail

template <class Op, std::size_t N>
class OpNode final : public Node {
public:
    Op op;

    const char* op_name() const override { return Op::name; }
    const char* forward_formula() const override { return forward_formula_of<Op>(); }
    const char* backward_formula() const override { return backward_formula_of<Op>(); }

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
            if (updates_in_place(i)) {  // the fused step: the gradient goes into the value
                grad[i] = GradTarget(Op::name, i, &in.value, *in_place_alpha_[i], 1.0);
                continue;
            }
            if (in.grad_is_zero) {
                in.grad.resize(in.value.shape());  // keeps its memory when the shape is unchanged
                if (used_twice(i)) {
                    // The same tensor is input twice (e.g. Mul(x, x)): both contributions must
                    // add, in whatever order the op writes them, so start from explicit zeros.
                    in.grad.fill(0.0);
                    in.grad_is_zero = false;
                }
            }
            const double beta = in.grad_is_zero ? 0.0 : 1.0;
            grad[i] = GradTarget(Op::name, i, &in.grad, 1.0, beta);
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
            if (updates_in_place(i)) continue;     // no gradient stored: it is in the value
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

private:
    Inputs<N> input_values() const {
        std::array<const Array*, N> values{};
        for (std::size_t i = 0; i < N; ++i) values[i] = &inputs_[i].data().value;
        return Inputs<N>(values);
    }
    bool updates_in_place(std::size_t i) const {
        return i < in_place_alpha_.size() && in_place_alpha_[i].has_value();
    }
    bool used_twice(std::size_t i) const {
        for (std::size_t j = 0; j < N; ++j)
            if (j != i && inputs_[j].same_as(inputs_[i])) return true;
        return false;
    }
};

}  // namespace tapegrad
