#pragma once
/// GradTarget: where an op's backward writes dL/d(input) for one input.
///
/// The engine, not the op, decides where a gradient goes and how it combines with what is
/// already there:
///     dest <- alpha * g + beta * dest
/// beta = 0 for the first contribution to a tensor in a pass, beta = 1 when a tensor is reached
/// a second time (used twice, or a second backward), alpha = 1 for plain backpropagation.
/// An op writes with set(g) for an elementwise formula, or hands dest(), alpha() and beta()
/// to a BLAS call that computes alpha * A B + beta * C in one go (see ops/linear.hpp).
/// When the input does not require a gradient, wanted() is false and the op may skip the work.

#include <stdexcept>
#include <string>

#include <xtensor/xnoalias.hpp>

#include "engine/core/array.hpp"

namespace tapegrad {

class GradTarget {
public:
    GradTarget() = default;  // not wanted
    GradTarget(const char* op_name, std::size_t input_index, Array* dest, double alpha, double beta)
        : op_name_(op_name), input_index_(input_index), dest_(dest), alpha_(alpha), beta_(beta) {}

    bool wanted() const { return dest_ != nullptr; }
    /// The shape the gradient must have: the input's shape.
    const Shape& shape() const { return dest_->shape(); }

    /// Writes g (an array or an xtensor expression of the input's shape) into the target.
    /// Throws std::logic_error naming the op when g has another shape.
    template <class E>
    void set(const xt::xexpression<E>& g) {
        if (!wanted()) return;
        const auto& expr = g.derived_cast();
        check_shape(expr.shape());
        if (alpha_ == 1.0 && beta_ == 0.0) {
            xt::noalias(*dest_) = expr;
        } else if (alpha_ == 1.0 && beta_ == 1.0) {
            xt::noalias(*dest_) += expr;
        } else {
            xt::noalias(*dest_) = alpha_ * expr + beta_ * (*dest_);
        }
        written_ = true;
    }

    /// For a BLAS call that writes alpha * product + beta * dest itself. Call mark_written()
    /// after writing.
    Array& dest() { return *dest_; }
    double alpha() const { return alpha_; }
    double beta() const { return beta_; }
    void mark_written() { written_ = true; }
    /// True when the target is plain dest <- g (alpha = 1, beta = 0): an op may then write g
    /// element by element straight into dest() (and call mark_written()) instead of building
    /// g in a temporary of the input's size for set().
    bool overwrites() const { return alpha_ == 1.0 && beta_ == 0.0; }
    bool written() const { return written_; }

    /// Throws std::logic_error when `shape` differs from the input's shape.
    template <class S>
    void check_shape(const S& shape) const {
        if (!shapes_equal(shape, dest_->shape())) {
            throw std::logic_error(std::string(op_name_) + "::backward: gradient for input " +
                                   std::to_string(input_index_) + " has shape " +
                                   shape_string(Shape(shape.begin(), shape.end())) +
                                   " but the input has shape " + shape_string(dest_->shape()));
        }
    }

private:
    const char* op_name_ = "";
    std::size_t input_index_ = 0;
    Array* dest_ = nullptr;
    double alpha_ = 1.0;
    double beta_ = 0.0;
    bool written_ = false;
};

template <std::size_t N>
using GradTargets = std::array<GradTarget, N>;

}  // namespace tapegrad
