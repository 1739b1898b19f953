#pragma once
/// Node: one recorded op application on a Tape, the single virtual base of the engine.
/// OpNode<Op, N> adapts any op struct with N inputs to it.
///
/// The op contract (ops/README.md, "The op contract"): an op is a plain struct with
///     static constexpr const char* name;   (or a member, for an op named at run time)
///     void forward(const Inputs<N>& in, Array& out);
///         computes the output from the input values; `out` may hold the previous step's
///         buffer (resize it; it keeps its memory when the shape is unchanged)
///     void backward(const Inputs<N>& in, const Array& out, const Array& grad_out,
///                   GradTargets<N>& grad);
///         given dL/d(out), writes dL/d(in[i]) into grad[i] for every grad[i].wanted()
/// Members of the op are its configuration (e.g. target classes); what forward saves for
/// backward goes into one member named `saved` (kept from step to step: node_store.hpp).
/// The node, not the op, decides where a gradient goes and checks its shape (grad_target.hpp).

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/op_formula.hpp"
#include "engine/core/tensor.hpp"

namespace tapegrad {

class Node {
public:
    virtual ~Node() = default;
    virtual const char* op_name() const = 0;
    /// The op's formula text, nullptr when it states none (op_formula.hpp).
    virtual const char* forward_formula() const { return nullptr; }
    virtual const char* backward_formula() const { return nullptr; }
    /// Computes output().value() from the inputs' values.
    virtual void forward() = 0;
    /// Propagates output().grad() to the inputs that require a gradient.
    virtual void backward() = 0;

    const std::vector<Tensor>& inputs() const { return inputs_; }
    const Tensor& output() const { return output_; }

protected:
    friend class NodeStore;  // records inputs and output (engine/core/node_store.hpp)
    std::vector<Tensor> inputs_;
    Tensor output_;
};

template <class Op, std::size_t N>
class OpNode final : public Node {
public:
    Op op;

    const char* op_name() const override { return op.name; }
    const char* forward_formula() const override { return forward_formula_of(op, N); }
    const char* backward_formula() const override { return backward_formula_of(op, N); }

    void forward() override { op.forward(input_values(), output_.data().value); }

    void backward() override {
        TensorData& out = output_.data();
        GradTargets<N> grad;  // not wanted unless set below
        for (std::size_t i = 0; i < N; ++i) {
            TensorData& in = inputs_[i].data();
            if (!in.requires_grad) continue;
            if (in.grad_state != GradState::held && used_twice(i)) {
                // The same tensor is input twice (e.g. Mul(x, x)): both contributions must add,
                // in whatever order the op writes them, so start from explicit zeros.
                in.grad.resize(in.value.shape());  // keeps its memory when the shape is unchanged
                in.grad.fill(0.0);
                in.grad_state = GradState::held;
            }
            // The first contribution in this pass is written, a later one added.
            const bool accumulate = in.grad_state == GradState::held;
            grad[i] = GradTarget(op.name, i, &in.grad, accumulate, &scratch_[i], &in.value.shape());
        }
        op.backward(input_values(), out.value, out.grad, grad);
        for (std::size_t i = 0; i < N; ++i) {
            if (!grad[i].wanted()) continue;
            TensorData& in = inputs_[i].data();
            if (!grad[i].written()) {
                throw std::logic_error(std::string(op.name) +
                                       "::backward did not write the gradient for input " +
                                       std::to_string(i) + " of shape " + shape_string(in.value));
            }
            grad[i].finish();
            grad[i].check_shape(in.grad.shape());  // an op must not resize the target
            in.grad_state = GradState::held;
        }
    }

private:
    Inputs<N> input_values() const {
        std::array<const Array*, N> values{};
        for (std::size_t i = 0; i < N; ++i) values[i] = &inputs_[i].data().value;
        return Inputs<N>(values);
    }
    bool used_twice(std::size_t i) const {
        for (std::size_t j = 0; j < N; ++j)
            if (j != i && inputs_[j].same_as(inputs_[i])) return true;
        return false;
    }

    // Per input, what GradTarget::array() hands out when the gradient is added to what the
    // tensor holds; kept from step to step.
    std::array<Array, N> scratch_;
};

}  // namespace tapegrad
