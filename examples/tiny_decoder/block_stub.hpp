#pragma once
// TEMPORARY: the integrator's DecoderBlock API over the current layers, until merge-11 has
// ops/layers/decoder_block.hpp. Deleted at the merge.
#include <string>
#include <vector>

#include "engine/core/named_tensor.hpp"
#include "engine/core/random.hpp"
#include "engine/core/tape.hpp"
#include "ops/add.hpp"
#include "ops/layers/causal_self_attention.hpp"
#include "ops/layers/layer_norm_layer.hpp"
#include "ops/layers/mlp.hpp"

namespace tapegrad {

class DecoderBlock {
public:
    DecoderBlock(const std::string& prefix, std::size_t C, std::size_t H, Random& rng)
        : prefix_(prefix),
          ln1_(prefix + ".ln1", C),
          attn_(C, H, rng),
          ln2_(prefix + ".ln2", C),
          mlp_(prefix + ".mlp", C, rng) {}
    Tensor operator()(Tape& tape, const Tensor& x) const {
        const Tensor a = add(tape, x, attn_.forward(tape, ln1_(tape, x)));  // [B, T, C]
        return add(tape, a, mlp_(tape, ln2_(tape, a)));                     // [B, T, C]
    }
    NamedTensors parameters() const {
        NamedTensors p = ln1_.parameters();
        for (const NamedTensor& t : attn_.parameters(prefix_ + ".attn")) p.push_back(t);
        for (const NamedTensor& t : ln2_.parameters()) p.push_back(t);
        for (const NamedTensor& t : mlp_.parameters()) p.push_back(t);
        return p;
    }

private:
    std::string prefix_;
    LayerNormLayer ln1_;
    CausalSelfAttention attn_;
    LayerNormLayer ln2_;
    Mlp mlp_;
};

}  // namespace tapegrad
