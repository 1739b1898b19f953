#pragma once
/// GradTarget: where an op's backward writes dL/d(input) for one input.
///
/// An op writes the gradient of input i in one of three ways, and never needs to know what the
/// engine does with it:
///     grad[i].set(g)                     g an array or xtensor expression of the input's shape
///     grad[i].set_product(A, tA, B, tB)  g = op(A) op(B), one BLAS call (engine/kernels/gemm.hpp)
///     grad[i].set_batched_product(...)   g[..] = op(A[..]) op(B[..]), one BLAS call per index
///     Array& g = grad[i].array();        an array of the input's shape to fill element by
///                                        element (its old contents are arbitrary: write all)
///     grad[i].take(buffer)               g already computed into the op's own buffer (an op
///                                        with forward_grad, engine/core/node.hpp): when dest
///                                        is plainly overwritten, the two buffers are swapped,
///                                        no copy; `buffer` then holds dest's old buffer
/// When the input does not require a gradient, wanted() is false; skip the work (set does
/// nothing then).
///
/// Underneath, the engine combines what the op writes with what the tensor already holds:
///     dest <- alpha * g + beta * dest
/// beta = 0 for the first contribution to a tensor in a pass and 1 when a tensor is reached
/// again (used twice, or a second backward); alpha = 1 for plain backpropagation, and -lr with
/// dest = the parameter's value for a fused optimizer step (engine/optim/fused_sgd.hpp).
/// set and the products fold alpha and beta into the one pass or BLAS call that computes g;
/// array() is dest itself when the target is plain dest <- g, and otherwise a buffer the node
/// keeps from step to step, which the engine adds into dest after backward returns. Either
/// way nothing of the input's size is allocated once the tape is replayed.

#include <stdexcept>
#include <string>
#include <utility>

#include <xtensor/xnoalias.hpp>

#include "engine/core/array.hpp"
#include "engine/kernels/gemm.hpp"

namespace tapegrad {

class GradTarget {
public:
    GradTarget() = default;  // not wanted
    /// Built by the engine (engine/core/node.hpp): `dest` is the gradient (or, for a fused
    /// step, the value) to write, `scratch` a buffer owned by the node for array(), `shape`
    /// the input's shape (nullptr: dest's own). When beta = 0, dest may not have its elements
    /// yet: every way of writing gives it the input's shape first (take() needs none).
    GradTarget(const char* op_name, std::size_t input_index, Array* dest, double alpha, double beta,
               Array* scratch, const Shape* shape = nullptr)
        : op_name_(op_name),
          input_index_(input_index),
          dest_(dest),
          scratch_(scratch),
          shape_(shape ? shape : (dest ? &dest->shape() : nullptr)),
          alpha_(alpha),
          beta_(beta) {}

    bool wanted() const { return dest_ != nullptr; }
    /// The shape the gradient must have: the input's shape.
    const Shape& shape() const { return *shape_; }

    /// Writes g (an array or an xtensor expression of the input's shape). Throws
    /// std::logic_error naming the op when g has another shape.
    template <class E>
    void set(const xt::xexpression<E>& g) {
        if (!wanted()) return;
        const auto& expr = g.derived_cast();
        check_shape(expr.shape());
        size_dest();
        if (plain()) {
            xt::noalias(*dest_) = expr;
        } else if (alpha_ == 1.0 && beta_ == 1.0) {
            xt::noalias(*dest_) += expr;
        } else {
            xt::noalias(*dest_) = alpha_ * expr + beta_ * (*dest_);
        }
        written_ = true;
    }

    /// g = op(A) op(B) with the input seen as rows_of(input) (its leading dimensions as rows).
    void set_product(MatrixRef A, bool transpose_A, MatrixRef B, bool transpose_B) {
        if (!wanted()) return;
        size_dest();
        try {
            gemm(A, transpose_A, B, transpose_B, rows_of(*dest_), alpha_, beta_);
        } catch (const std::logic_error& e) {
            throw_named(e);
        }
        written_ = true;
    }

    /// g[i] = op(A[i]) op(B[i]) for every leading index i (see batched_gemm).
    void set_batched_product(const Array& A, bool transpose_A, const Array& B, bool transpose_B) {
        if (!wanted()) return;
        size_dest();
        try {
            batched_gemm(A, transpose_A, B, transpose_B, *dest_, alpha_, beta_);
        } catch (const std::logic_error& e) {
            throw_named(e);
        }
        written_ = true;
    }

    /// An array of the input's shape for the op to fill completely with g.
    Array& array() {
        if (!wanted())
            throw std::logic_error(std::string(op_name_) + "::backward: array() on input " +
                                   std::to_string(input_index_) + ", which wants no gradient");
        written_ = true;
        size_dest();
        if (plain()) return *dest_;
        uses_scratch_ = true;
        scratch_->resize(shape());  // keeps its memory when the shape is unchanged
        return *scratch_;
    }

    /// Hands over g, a gradient the op has already computed into its own buffer (an op with
    /// forward_grad, engine/core/node.hpp). When dest <- g plainly, dest and `g` swap buffers:
    /// no copy, and `g` is left with dest's old buffer (possibly without elements). Otherwise
    /// as set(g), and `g` keeps its values. Returns true when the buffers were swapped.
    bool take(Array& g) {
        if (!wanted()) return false;
        check_shape(g.shape());
        if (!plain()) {
            set(g);
            return false;
        }
        std::swap(*dest_, g);
        written_ = true;
        return true;
    }

    /// The engine's part, after backward: adds what array() received into dest.
    void finish() {
        if (!uses_scratch_) return;
        check_shape(scratch_->shape());  // an op must not resize the array
        if (alpha_ == 1.0 && beta_ == 1.0) {
            xt::noalias(*dest_) += *scratch_;
        } else {
            xt::noalias(*dest_) = alpha_ * (*scratch_) + beta_ * (*dest_);
        }
    }

    bool written() const { return written_; }

    /// Throws std::logic_error when `shape` differs from the input's shape.
    template <class S>
    void check_shape(const S& shape) const {
        if (!shapes_equal(shape, *shape_)) {
            throw std::logic_error(std::string(op_name_) + "::backward: gradient for input " +
                                   std::to_string(input_index_) + " has shape " +
                                   shape_string(Shape(shape.begin(), shape.end())) +
                                   " but the input has shape " + shape_string(*shape_));
        }
    }

private:
    bool plain() const { return alpha_ == 1.0 && beta_ == 0.0; }
    // dest is overwritten (beta = 0) and may have no elements yet: give it the input's shape
    // (no allocation when it has them).
    void size_dest() {
        if (!shapes_equal(dest_->shape(), *shape_)) dest_->resize(*shape_);
    }
    [[noreturn]] void throw_named(const std::logic_error& e) const {
        throw std::logic_error(std::string(op_name_) + "::backward: gradient for input " +
                               std::to_string(input_index_) + " of shape " + shape_string(*shape_) +
                               ": " + e.what());
    }

    const char* op_name_ = "";
    std::size_t input_index_ = 0;
    Array* dest_ = nullptr;
    Array* scratch_ = nullptr;
    const Shape* shape_ = nullptr;
    double alpha_ = 1.0;
    double beta_ = 0.0;
    bool written_ = false;
    bool uses_scratch_ = false;
};

template <std::size_t N>
using GradTargets = std::array<GradTarget, N>;

}  // namespace tapegrad
