#include "ops/layers/decoder_block.hpp"

#include <stdexcept>
#include <utility>

#include "ops/add.hpp"

namespace tapegrad {

DecoderBlock::DecoderBlock(const std::string& prefix, std::size_t C, std::size_t H, Random& rng)
    : ln1_(prefix + ".ln1", C),
      attn_(prefix + ".attn", C, H, rng),
      ln2_(prefix + ".ln2", C),
      mlp_(prefix + ".mlp", C, rng) {}

Tensor DecoderBlock::operator()(Tape& tape, const Tensor& x, Tensor* P) const {
    return forward(tape, x, tensors(), P);
}

Tensor DecoderBlock::forward(Tape& tape, const Tensor& x, const std::vector<Tensor>& p,
                             Tensor* P) const {
    if (p.size() != 12)
        throw std::invalid_argument(
            "DecoderBlock::forward: needs the 12 tensors of parameters(); got " +
            std::to_string(p.size()) + " tensors");
    const Tensor n1 = ln1_.forward(tape, x, {p[0], p[1]});                    // [B, T, C]
    const Tensor att = attn_.forward(tape, n1, {p[2], p[3], p[4], p[5]}, P);  // [B, T, C]
    const Tensor a = add(tape, x, att);                                       // [B, T, C]
    const Tensor n2 = ln2_.forward(tape, a, {p[6], p[7]});                    // [B, T, C]
    const Tensor m = Mlp::forward(tape, n2, {p[8], p[9], p[10], p[11]});      // [B, T, C]
    return add(tape, a, m);                                                   // [B, T, C]
}

NamedTensors DecoderBlock::parameters() const {
    NamedTensors named = ln1_.parameters();
    for (NamedTensors part : {attn_.parameters(), ln2_.parameters(), mlp_.parameters()})
        for (NamedTensor& t : part) named.push_back(std::move(t));
    return named;
}

std::vector<Tensor> DecoderBlock::tensors() const {
    std::vector<Tensor> all;
    for (const NamedTensor& t : parameters()) all.push_back(t.tensor);
    return all;
}

}  // namespace tapegrad
