#pragma once
/// Embedding: looks up rows of a table by token id, the first layer of a decoder.
///
///   forward:   y[r, :] = W[ids[r], :]              W [n, d] (n tokens, d features),
///                                                  ids: len token ids in [0, n),  y [len, d]
///              with ids_shape (e.g. {B, T}, its product = len): y [B, T, d], the ids read
///              in row-major order (ids[b T + t] is position (b, t)); empty: the flat [len, d]
///   backward:  dL/dW[t, :] = sum over r with ids[r] = t of dL/dy[r, :]
///              (rows of unused tokens get 0; an id used twice gets both rows' gradients)
///
/// The ids are the op's configuration, not a tensor: they are integers and have no gradient.
/// The backward clears the gradient array and scatters the rows into it.

#include <cstddef>
#include <vector>

#include "engine/core/grad_target.hpp"
#include "engine/core/inputs.hpp"
#include "engine/core/tape.hpp"

namespace tapegrad {

struct Embedding {
    static constexpr const char* name = "Embedding";
    static constexpr const char* forward_formula = "y[r, :] = W[ids[r], :]";
    static constexpr const char* backward_formula =
        "dL/dW[t, :] = sum of dL/dy[r, :] over the rows r with ids[r] = t";
    std::vector<std::size_t> ids;        // one token id per output row, each in [0, n)
    std::vector<std::size_t> ids_shape;  // the ids' shape ({B, T}); empty: flat, y [len, d]

    void forward(const Inputs<1>& in, Array& y);
    void backward(const Inputs<1>& in, const Array& y, const Array& grad_y, GradTargets<1>& grad);
};

/// y = W[ids], y [len, d]; with ids_shape {B, T}: y [B, T, d]
inline Tensor embedding(Tape& tape, const Tensor& W, std::vector<std::size_t> ids,
                        std::vector<std::size_t> ids_shape = {}) {
    return tape.apply(Embedding{std::move(ids), std::move(ids_shape)}, W);
}

}  // namespace tapegrad
