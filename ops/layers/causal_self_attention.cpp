#include "ops/layers/causal_self_attention.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/core/init.hpp"
#include "ops/causal_softmax.hpp"
#include "ops/heads.hpp"
#include "ops/linear.hpp"
#include "ops/mat_mul.hpp"
#include "ops/scale.hpp"
#include "ops/slice.hpp"

namespace tapegrad {

Tensor causal_self_attention(Tape& tape, const Tensor& qkv, std::size_t H) {
    const Shape& s = qkv.shape();
    if (s.size() != 3 || s[2] % 3 != 0 || H == 0 || (s[2] / 3) % H != 0 || s[2] == 0) {
        throw std::invalid_argument(
            "causal_self_attention: qkv must be [B, T, 3C] with C > 0 divisible by H; got qkv " +
            shape_string(s) + ", H = " + std::to_string(H));
    }
    const std::size_t C = s[2] / 3, D = C / H;
    const Tensor Q = split_heads(tape, slice(tape, qkv, 0, C), H);          // [B, H, T, D]
    const Tensor K = split_heads(tape, slice(tape, qkv, C, 2 * C), H);      // [B, H, T, D]
    const Tensor V = split_heads(tape, slice(tape, qkv, 2 * C, 3 * C), H);  // [B, H, T, D]
    const Tensor S = mat_mul(tape, Q, K, false, true);                      // [B, H, T, T] Q K^T
    const Tensor scaled = scale(tape, S, 1.0 / std::sqrt(static_cast<double>(D)));  // [B, H, T, T]
    const Tensor P = causal_softmax(tape, scaled);                                  // [B, H, T, T]
    const Tensor O = mat_mul(tape, P, V);                                           // [B, H, T, D]
    return merge_heads(tape, O);                                                    // [B, T, C]
}

CausalSelfAttention::CausalSelfAttention(std::size_t C, std::size_t H, Random& rng) : C_(C), H_(H) {
    if (C == 0 || H == 0 || C % H != 0) {
        throw std::invalid_argument(
            "CausalSelfAttention: C = " + std::to_string(C) +
            " channels must be a positive multiple of H = " + std::to_string(H) + " heads");
    }
    W_qkv_ = Tensor::parameter(normal({3 * C, C}, 0.02, rng), "qkv.weight");  // [3C, C]
    b_qkv_ = Tensor::parameter(zeros({3 * C}), "qkv.bias");                   // [3C]
    W_proj_ = Tensor::parameter(normal({C, C}, 0.02, rng), "proj.weight");    // [C, C]
    b_proj_ = Tensor::parameter(zeros({C}), "proj.bias");                     // [C]
}

Tensor CausalSelfAttention::forward(Tape& tape, const Tensor& x) const {
    const Tensor qkv = linear(tape, x, W_qkv_, b_qkv_);     // [B, T, 3C]
    const Tensor y = causal_self_attention(tape, qkv, H_);  // [B, T, C]
    return linear(tape, y, W_proj_, b_proj_);               // [B, T, C]
}

NamedTensors CausalSelfAttention::parameters(const std::string& prefix) const {
    const std::string p = prefix.empty() ? "" : prefix + ".";
    return {{p + "qkv.weight", W_qkv_},
            {p + "qkv.bias", b_qkv_},
            {p + "proj.weight", W_proj_},
            {p + "proj.bias", b_proj_}};
}

}  // namespace tapegrad
