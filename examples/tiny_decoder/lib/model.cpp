#include "examples/tiny_decoder/lib/model.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/core/init.hpp"
#include "ops/add.hpp"
#include "ops/embedding.hpp"
#include "ops/linear.hpp"
#include "ops/softmax_cross_entropy.hpp"

namespace tapegrad {

namespace {

const char* const kConfigKeys[] = {"config.V", "config.C", "config.L", "config.H", "config.T_max"};

std::size_t parse_size(const std::map<std::string, std::string>& m, const std::string& key) {
    const auto it = m.find(key);
    if (it == m.end()) throw std::invalid_argument("metadata " + key + " is missing");
    const std::string& s = it->second;
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("metadata " + key + " = \"" + s +
                                    "\" is not a size (decimal digits, at most 9)");
    return static_cast<std::size_t>(std::stoul(s));
}

}  // namespace

void TinyDecoderConfig::check() const {
    const std::size_t values[] = {V, C, L, H, T_max};
    for (std::size_t i = 0; i < 5; ++i)
        if (values[i] == 0)
            throw std::invalid_argument("TinyDecoderConfig: " + std::string(kConfigKeys[i] + 7) +
                                        " must be positive (" + describe() + ")");
    if (C % H != 0)
        throw std::invalid_argument("TinyDecoderConfig: H must divide C (" + describe() + ")");
}

std::map<std::string, std::string> TinyDecoderConfig::metadata() const {
    return {{"config.V", std::to_string(V)},
            {"config.C", std::to_string(C)},
            {"config.L", std::to_string(L)},
            {"config.H", std::to_string(H)},
            {"config.T_max", std::to_string(T_max)}};
}

TinyDecoderConfig TinyDecoderConfig::from_metadata(const std::map<std::string, std::string>& m) {
    TinyDecoderConfig c;
    c.V = parse_size(m, "config.V");
    c.C = parse_size(m, "config.C");
    c.L = parse_size(m, "config.L");
    c.H = parse_size(m, "config.H");
    c.T_max = parse_size(m, "config.T_max");
    c.check();
    return c;
}

std::string TinyDecoderConfig::describe() const {
    return "V=" + std::to_string(V) + " C=" + std::to_string(C) + " L=" + std::to_string(L) +
           " H=" + std::to_string(H) + " T_max=" + std::to_string(T_max);
}

TinyDecoder::TinyDecoder(const TinyDecoderConfig& config, std::uint64_t seed)
    : config_((config.check(), config)), rng_(seed), ln_f_("ln_f", config.C) {
    const std::size_t V = config_.V, C = config_.C;
    // Drawn in the order of parameters(): wte, wpe, the blocks, W_out.
    wte_ = Tensor::parameter(normal({V, C}, 0.02, rng_), "wte.weight");              // [V, C]
    wpe_ = Tensor::parameter(normal({config_.T_max, C}, 0.02, rng_), "wpe.weight");  // [T_max, C]
    blocks_.reserve(config_.L);
    for (std::size_t i = 0; i < config_.L; ++i)
        blocks_.emplace_back("blocks." + std::to_string(i), C, config_.H, rng_);
    W_out_ = Tensor::parameter(normal({V, C}, 0.02, rng_), "W_out");  // [V, C]
    b_out_ = Tensor::parameter(zeros({V}), "b_out");                  // [V]
}

TinyDecoderForward TinyDecoder::forward(Tape& tape, const std::vector<int>& tokens, std::size_t B,
                                        std::size_t T, bool keep_attention) const {
    if (B == 0 || T == 0 || T > config_.T_max || tokens.size() != B * T)
        throw std::invalid_argument("TinyDecoder::forward: " + std::to_string(tokens.size()) +
                                    " tokens for B = " + std::to_string(B) +
                                    ", T = " + std::to_string(T) +
                                    " (T_max = " + std::to_string(config_.T_max) + ")");
    std::vector<std::size_t> ids(tokens.size()), positions(tokens.size());
    for (std::size_t r = 0; r < tokens.size(); ++r) {
        if (tokens[r] < 0 || static_cast<std::size_t>(tokens[r]) >= config_.V)
            throw std::invalid_argument(
                "TinyDecoder::forward: token id " + std::to_string(tokens[r]) + " at position " +
                std::to_string(r) + " is outside [0, " + std::to_string(config_.V) + ")");
        ids[r] = static_cast<std::size_t>(tokens[r]);
        positions[r] = r % T;
    }
    const Tensor tok = embedding(tape, wte_, ids, {B, T});        // [B, T, C]
    const Tensor pos = embedding(tape, wpe_, positions, {B, T});  // [B, T, C]
    Tensor x = add(tape, tok, pos);                               // [B, T, C]
    TinyDecoderForward out;
    for (const DecoderBlock& block : blocks_) {
        Tensor P;
        x = block(tape, x, keep_attention ? &P : nullptr);  // [B, T, C]
        if (keep_attention) out.attention.push_back(P);     // [B, H, T, T]
    }
    out.h = ln_f_(tape, x);                            // [B, T, C]
    out.logits = linear(tape, out.h, W_out_, b_out_);  // [B, T, V]
    return out;
}

Tensor TinyDecoder::loss(Tape& tape, const std::vector<int>& inputs,
                         const std::vector<int>& targets, std::size_t B, std::size_t T) const {
    if (targets.size() != inputs.size())
        throw std::invalid_argument("TinyDecoder::loss: " + std::to_string(targets.size()) +
                                    " targets for " + std::to_string(inputs.size()) + " inputs");
    std::vector<std::int64_t> t(targets.begin(), targets.end());
    for (std::size_t r = 0; r < t.size(); ++r)
        if (t[r] < 0 || static_cast<std::size_t>(t[r]) >= config_.V)
            throw std::invalid_argument("TinyDecoder::loss: target id " + std::to_string(t[r]) +
                                        " at position " + std::to_string(r) + " is outside [0, " +
                                        std::to_string(config_.V) + ")");
    const TinyDecoderForward f = forward(tape, inputs, B, T);
    return softmax_cross_entropy(tape, f.logits, std::move(t));  // scalar
}

NamedTensors TinyDecoder::parameters() const {
    NamedTensors p = {{"wte.weight", wte_}, {"wpe.weight", wpe_}};
    for (const DecoderBlock& block : blocks_)
        for (const NamedTensor& t : block.parameters()) p.push_back(t);
    for (const NamedTensor& t : ln_f_.parameters()) p.push_back(t);
    p.push_back({"W_out", W_out_});
    p.push_back({"b_out", b_out_});
    return p;
}

}  // namespace tapegrad
