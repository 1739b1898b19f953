#pragma once
/// From text to the ids the tiny decoder reads, and the one piece it should predict.

#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/tokenizer.hpp"

namespace tapegrad {

/// Every piece of the prompt. Throws std::invalid_argument when it is empty (also after the
/// tokenizer's normalization). It may be longer than the model's T_max: see last_pieces.
std::vector<int> encode_prompt(const Tokenizer& tok, const std::string& prompt);

/// The last T_max of ids: what the model reads of a longer prompt.
std::vector<int> last_pieces(const std::vector<int>& ids, std::size_t T_max);

/// The target as one piece: "▁<target>" (word-initial) first, then the text itself. Throws
/// std::invalid_argument saying how it encodes when it is not one piece of the vocabulary.
int target_id(const Tokenizer& tok, const std::string& target);
bool is_one_piece(const Tokenizer& tok, const std::string& text);

}  // namespace tapegrad
