#pragma once
/// The tiny German decoder, exactly this so that PyTorch can check it:
///
///   tokens [B, T] -> x = wte[tokens] + wpe[0..T-1]                      wte [V, C], wpe [T_max, C]
///   L pre-LN blocks (ops/layers/decoder_block.hpp), each
///       x = x + attn.proj(attention(ln1(x)))                            attn.qkv [3C, C], H heads
///       x = x + mlp.fc2(gelu_tanh(mlp.fc1(ln2(x))))                     fc1 [4C, C], fc2 [C, 4C]
///   h = ln_f(x)                                                         [B, T, C]
///   z = h W_out^T + b_out                                               W_out [V, C], b_out [V]
///   L = softmax cross-entropy of z against the next tokens, averaged over all B T positions
///
/// Parameters by PyTorch's state_dict names, in this order: wte.weight, wpe.weight,
/// blocks.{i}.* (DecoderBlock's twelve), ln_f.weight, ln_f.bias, W_out, b_out. Initialisation
/// from one seeded Random (engine/core/random.hpp, the same numbers on every platform), drawn in
/// that order: normal(0, 0.02) for the matrices and embeddings, zeros for biases, ones for the
/// LayerNorm weights. W_out is the notebook's output layer, not tied to wte.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"
#include "ops/layers/decoder_block.hpp"
#include "ops/layers/layer_norm_layer.hpp"

namespace tapegrad {

struct TinyDecoderConfig {
    std::size_t V = 512;     // vocabulary size (the tokenizer's)
    std::size_t C = 64;      // channels
    std::size_t L = 2;       // blocks
    std::size_t H = 4;       // heads (divides C)
    std::size_t T_max = 32;  // longest context (rows of wpe)

    /// Throws std::invalid_argument naming the field unless every size is positive and H
    /// divides C.
    void check() const;
    /// As checkpoint metadata: "config.V" = "512", ...
    std::map<std::string, std::string> metadata() const;
    /// Reads metadata(); throws std::invalid_argument naming the missing or bad key.
    static TinyDecoderConfig from_metadata(const std::map<std::string, std::string>& m);
    std::string describe() const;  // "V=512 C=64 L=2 H=4 T_max=32"
};

/// What one forward pass over B sequences of T tokens produced (all on the tape given).
struct TinyDecoderForward {
    Tensor h;       // [B, T, C] after ln_f
    Tensor logits;  // [B, T, V]
    /// With keep_attention: each block's attention probabilities [B, H, T, T], in layer order
    /// (DecoderBlock's out-parameter: the CausalSoftmax node's output).
    std::vector<Tensor> attention;
};

class TinyDecoder {
public:
    TinyDecoder(const TinyDecoderConfig& config, std::uint64_t seed);

    /// tokens: B * T ids in [0, V), row-major [B, T], 1 <= T <= T_max. Throws
    /// std::invalid_argument naming the bad id or length.
    TinyDecoderForward forward(Tape& tape, const std::vector<int>& tokens, std::size_t B,
                               std::size_t T, bool keep_attention = false) const;
    /// The mean cross-entropy over all B T positions of forward(inputs) against targets
    /// (B * T ids, the inputs shifted by one).
    Tensor loss(Tape& tape, const std::vector<int>& inputs, const std::vector<int>& targets,
                std::size_t B, std::size_t T) const;

    NamedTensors parameters() const;
    const TinyDecoderConfig& config() const { return config_; }
    const Tensor& W_out() const { return W_out_; }
    const Tensor& b_out() const { return b_out_; }

private:
    TinyDecoderConfig config_;
    Random rng_;  // the initialisation's generator (used only in the constructor)
    Tensor wte_;  // [V, C]
    Tensor wpe_;  // [T_max, C]
    std::vector<DecoderBlock> blocks_;
    LayerNormLayer ln_f_;
    Tensor W_out_;  // [V, C]
    Tensor b_out_;  // [V]
};

}  // namespace tapegrad
