#pragma once
/// generate: the tiny decoder continues a prompt, one piece at a time.
///
/// Each step reads the last T_max pieces, takes the logits z at the last position and picks
///     greedy (temperature 0):  argmax z
///     sampled:                 from p_i ~ e^((z_i - max z) / temperature) over the top_k
///                              largest z (top_k 0: all V), with the engine's seeded Random
/// and stops after `tokens` pieces or at the end-of-text piece.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "examples/tiny_decoder/lib/model.hpp"

namespace tapegrad {

struct GenerateOptions {
    std::size_t tokens = 24;   // pieces to add at most
    double temperature = 0.0;  // 0: greedy
    std::size_t top_k = 0;     // 0: the whole vocabulary
    std::uint64_t seed = 1;    // for sampling
};

/// The prompt's ids followed by the generated ones. Throws std::invalid_argument when the
/// temperature is negative or not finite, or the prompt is empty or holds an id outside
/// [0, V). `eos_id` stops generation (-1: never).
std::vector<int> generate(const TinyDecoder& model, std::vector<int> ids, int eos_id,
                          const GenerateOptions& options);

}  // namespace tapegrad
