#pragma once
/// GradTarget: where an op's backward writes dL/d(input) for one input, in one of these ways:
///     grad[i].set(g)                     g an array or xtensor expression of the input's shape
///     grad[i].set_product(A, tA, B, tB)  g = op(A) op(B), one BLAS call (engine/kernels/gemm.hpp)
///     grad[i].set_batched_product(...)   g[..] = op(A[..]) op(B[..]), one BLAS call per index
///     Array& g = grad[i].array();        an array of the input's shape to fill (write it all)
///     grad[i].take(buffer)               g already in the op's own buffer: swapped in, no copy
/// When the input requires no gradient, wanted() is false: skip the work (set does nothing).
///
/// The op never knows what the engine does with g (OpNode::backward decides):
///     dest <- g          the first contribution to the tensor in this pass
///     dest <- dest + g   a tensor reached again (used twice, or a leaf over a second pass)
/// set and the products fold the addition into their one pass or BLAS call (beta = 1);
/// array() is dest itself when dest is overwritten, else a buffer the node keeps, added into
/// dest by finish(). Either way nothing of the input's size is allocated in a replayed step.

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
    /// Built by OpNode: `dest` the input's gradient (when overwritten it may have no elements
    /// yet: every way of writing gives it `shape`, the input's, first), `accumulate` whether g
    /// is added to it, `scratch` the node's buffer for array(); shape nullptr: dest's own.
    GradTarget(const char* op_name, std::size_t input_index, Array* dest, bool accumulate,
               Array* scratch, const Shape* shape = nullptr)
        : op_name_(op_name),
          input_index_(input_index),
          dest_(dest),
          scratch_(scratch),
          shape_(shape ? shape : (dest ? &dest->shape() : nullptr)),
          beta_(accumulate ? 1.0 : 0.0) {}

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
        } else {
            xt::noalias(*dest_) += expr;
        }
        written_ = true;
    }

    /// g = op(A) op(B) with the input seen as rows_of(input) (its leading dimensions as rows).
    void set_product(MatrixRef A, bool transpose_A, MatrixRef B, bool transpose_B) {
        by_blas([&] { gemm(A, transpose_A, B, transpose_B, rows_of(*dest_), 1.0, beta_); });
    }
    /// g[i] = op(A[i]) op(B[i]) for every leading index i (see batched_gemm).
    void set_batched_product(const Array& A, bool transpose_A, const Array& B, bool transpose_B) {
        by_blas([&] { batched_gemm(A, transpose_A, B, transpose_B, *dest_, 1.0, beta_); });
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

    /// Hands over g, computed into the op's own buffer. When dest is overwritten, the buffers
    /// swap (no copy; `g` gets dest's old one) and it returns true; otherwise as set(g).
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
        xt::noalias(*dest_) += *scratch_;
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
    bool plain() const { return beta_ == 0.0; }  // dest <- g
    // dest is overwritten and may have no elements yet: give it the input's shape
    // (no allocation when it has them).
    void size_dest() {
        if (!shapes_equal(dest_->shape(), *shape_)) dest_->resize(*shape_);
    }
    // A product into dest by BLAS; its shape errors name the op and the input.
    template <class Product>
    void by_blas(Product product) {
        if (!wanted()) return;
        size_dest();
        try {
            product();
        } catch (const std::logic_error& e) {
            throw std::logic_error(std::string(op_name_) + "::backward: gradient for input " +
                                   std::to_string(input_index_) + " of shape " +
                                   shape_string(*shape_) + ": " + e.what());
        }
        written_ = true;
    }

    const char* op_name_ = "";
    std::size_t input_index_ = 0;
    Array* dest_ = nullptr;
    Array* scratch_ = nullptr;
    const Shape* shape_ = nullptr;
    double beta_ = 0.0;  // 0: dest <- g, 1: dest <- dest + g
    bool written_ = false;
    bool uses_scratch_ = false;
};

template <std::size_t N>
using GradTargets = std::array<GradTarget, N>;

}  // namespace tapegrad
