#include "ops/heads.hpp"

#include <stdexcept>
#include <string>

#include "ops/reshape.hpp"
#include "ops/transpose.hpp"

namespace tapegrad {

Tensor split_heads(Tape& tape, const Tensor& x, std::size_t H) {
    const Shape& s = x.shape();
    if (s.size() != 3 || H == 0 || s[2] % H != 0) {
        throw std::invalid_argument(
            "split_heads: x must be [B, T, C] with C divisible by H; got x " + shape_string(s) +
            ", H = " + std::to_string(H));
    }
    const std::size_t B = s[0], T = s[1], C = s[2], D = C / H;
    const Tensor heads_last = reshape(tape, x, Shape{B, T, H, D});  // [B, T, H, D]
    return transpose(tape, heads_last, 1, 2);                       // [B, H, T, D]
}

Tensor merge_heads(Tape& tape, const Tensor& y) {
    const Shape& s = y.shape();
    if (s.size() != 4) {
        throw std::invalid_argument("merge_heads: y must be [B, H, T, D]; got y " +
                                    shape_string(s));
    }
    const std::size_t B = s[0], H = s[1], T = s[2], D = s[3];
    const Tensor time_first = transpose(tape, y, 1, 2);    // [B, T, H, D]
    return reshape(tape, time_first, Shape{B, T, H * D});  // [B, T, C]
}

}  // namespace tapegrad
