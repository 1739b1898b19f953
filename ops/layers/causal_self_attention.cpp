#include "ops/layers/causal_self_attention.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "ops/causal_attention.hpp"
#include "ops/causal_softmax.hpp"
#include "ops/heads.hpp"
#include "ops/mat_mul.hpp"
#include "ops/scale.hpp"
#include "ops/slice.hpp"

namespace tapegrad {

Tensor causal_self_attention(Tape& tape, const Tensor& qkv, std::size_t H, Tensor* P_out) {
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
    if (P_out != nullptr) *P_out = P;
    const Tensor O = mat_mul(tape, P, V);  // [B, H, T, D]
    return merge_heads(tape, O);           // [B, T, C]
}

namespace {
std::size_t checked_channels(std::size_t C, std::size_t H) {
    if (C == 0 || H == 0 || C % H != 0) {
        throw std::invalid_argument(
            "CausalSelfAttention: C = " + std::to_string(C) +
            " channels must be a positive multiple of H = " + std::to_string(H) + " heads");
    }
    return C;
}
}  // namespace

CausalSelfAttention::CausalSelfAttention(const std::string& prefix, std::size_t C, std::size_t H,
                                         Random& rng)
    : C_(checked_channels(C, H)),
      H_(H),
      qkv_(prefix.empty() ? "qkv" : prefix + ".qkv", C, 3 * C, rng),
      proj_(prefix.empty() ? "proj" : prefix + ".proj", C, C, rng) {}

Tensor CausalSelfAttention::operator()(Tape& tape, const Tensor& x, Tensor* P) const {
    return forward(tape, x, tensors(), P);
}

Tensor CausalSelfAttention::forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p,
                                    Tensor* P) const {
    if (p.size() != 4)
        throw std::invalid_argument(
            "CausalSelfAttention::forward: needs {W_qkv, b_qkv, W_proj, b_proj}; got " +
            std::to_string(p.size()) + " tensors");
    const Tensor qkv = LinearLayer::forward(tape, x, {p[0], p[1]});  // [B, T, 3C]
    // The same doubles either way: one fused node to train, the composition to show P.
    const Tensor y = P == nullptr ? causal_attention(tape, qkv, H_)
                                  : causal_self_attention(tape, qkv, H_, P);  // [B, T, C]
    return LinearLayer::forward(tape, y, {p[2], p[3]});                       // [B, T, C]
}

NamedTensors CausalSelfAttention::parameters() const {
    NamedTensors named = qkv_.parameters();
    for (NamedTensor& p : proj_.parameters()) named.push_back(std::move(p));
    return named;
}

std::vector<Tensor> CausalSelfAttention::tensors() const {
    return {qkv_.weight(), qkv_.bias(), proj_.weight(), proj_.bias()};
}

}  // namespace tapegrad
