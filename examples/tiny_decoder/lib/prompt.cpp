#include "examples/tiny_decoder/lib/prompt.hpp"

#include <stdexcept>

namespace tapegrad {

std::vector<int> encode_prompt(const Tokenizer& tok, const std::string& prompt) {
    if (prompt.find_first_not_of(" \t\r\n") == std::string::npos)
        throw std::invalid_argument("the prompt is empty");
    std::vector<int> ids = tok.encode(prompt);
    if (ids.empty()) throw std::invalid_argument("the prompt is empty after normalization");
    return ids;
}

std::vector<int> last_pieces(const std::vector<int>& ids, std::size_t T_max) {
    const std::size_t drop = ids.size() > T_max ? ids.size() - T_max : 0;
    return std::vector<int>(ids.begin() + static_cast<std::ptrdiff_t>(drop), ids.end());
}

int target_id(const Tokenizer& tok, const std::string& target) {
    if (target.empty()) throw std::invalid_argument("the target is empty");
    const std::string word = "\xE2\x96\x81" + target;
    if (tok.piece_id(word) >= 0) return tok.piece_id(word);
    if (tok.piece_id(target) >= 0 && tok.piece_id(target) != tok.unk_id())
        return tok.piece_id(target);
    const std::vector<int> ids = tok.encode(target);
    std::string pieces;
    bool unknown = false;
    for (int id : ids) {
        pieces += (pieces.empty() ? "" : " ") + tok.piece(id);
        unknown = unknown || id == tok.unk_id();
    }
    if (unknown || ids.empty())
        throw std::invalid_argument("the target \"" + target +
                                    "\" is not in the vocabulary (it encodes as " +
                                    (pieces.empty() ? std::string("nothing") : pieces) + ")");
    throw std::invalid_argument("the target \"" + target + "\" is not one piece but " +
                                std::to_string(ids.size()) + ": " + pieces);
}

bool is_one_piece(const Tokenizer& tok, const std::string& text) {
    try {
        target_id(tok, text);
        return true;
    } catch (const std::invalid_argument&) {
        return false;
    }
}

}  // namespace tapegrad
