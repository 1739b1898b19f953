#pragma once
/// Attention heads: C channels as H heads of D = C/H, and back. Composed from Reshape and
/// Transpose (no op of their own), so their backward is those ops' backward.
///
///   split_heads(tape, x, H):  x [B, T, C]     -> Reshape [B, T, H, D] -> Transpose{1, 2}
///                                             -> [B, H, T, D]   head h = columns h*D..(h+1)*D-1
///   merge_heads(tape, y):     y [B, H, T, D]  -> Transpose{1, 2} [B, T, H, D]
///                                             -> Reshape [B, T, H*D]
///
/// Views or copies: PyTorch's x.view(B, T, H, D).transpose(1, 2) is two views (no data moves)
/// and the copy comes later, in .contiguous() or inside the next matmul. In tapegrad every
/// value is a contiguous array, so both steps copy: split_heads and merge_heads each move the
/// B*T*C elements twice forward (Reshape copies once, Transpose once in blocks of D contiguous
/// doubles) and twice again backward: 4 passes over [B, T, C] per call and step, no
/// arithmetic, no allocation once the tape is replayed. CausalAttention (ops/causal_attention.hpp)
/// moves them not at all: it reads each head inside qkv by BLAS strides.

#include <cstddef>

#include "engine/core/tape.hpp"

namespace tapegrad {

/// x [B, T, C] -> [B, H, T, C/H]. Throws std::invalid_argument naming the shape and H unless
/// x is 3-D and H >= 1 divides C.
Tensor split_heads(Tape& tape, const Tensor& x, std::size_t H);
/// y [B, H, T, D] -> [B, T, H*D]. Throws std::invalid_argument naming the shape unless y is
/// 4-D.
Tensor merge_heads(Tape& tape, const Tensor& y);

}  // namespace tapegrad
