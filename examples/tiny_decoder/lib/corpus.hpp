#pragma once
/// The tiny decoder's training data: a text file of sentences as one token stream, and the
/// batches cut from it.
///
///   stream = s_1 </s> s_2 </s> ... s_n </s>     (each line's pieces, then the end-of-sentence
///                                               piece; blank lines skipped)
///   window = T + 1 consecutive tokens starting at a sentence start: inputs are its first T,
///            targets its last T (the next token at every position), so every one of the
///            B T positions has a target and the loss averages over all of them. A window
///            begins at a sentence start so that position 0 is where a prompt begins; it runs
///            on into the following sentences.
///   order  = the windows of an epoch in a shuffled order (Fisher-Yates on Random(seed mixed
///            with the epoch number)), epoch after epoch. Batch k holds windows k B .. k B + B - 1
///            of this endless sequence, so (seed, position) determine every later batch: the
///            data position is the number of windows used so far and is all a resume needs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/tokenizer.hpp"

namespace tapegrad {

class TokenCorpus {
public:
    /// Reads and encodes `path`. Throws std::invalid_argument "<path>: ..." when the file is
    /// missing, empty (no non-blank line), not valid UTF-8 (naming the line), or has no
    /// sentence start with T + 1 tokens after it.
    static TokenCorpus from_file(const std::string& path, const Tokenizer& tok, std::size_t T);

    std::size_t sentences() const { return sentences_; }
    std::size_t tokens() const { return stream_.size(); }
    /// How many windows an epoch has (the sentence starts with T + 1 tokens after them).
    std::size_t windows() const { return starts_.size(); }
    const std::vector<int>& stream() const { return stream_; }

    /// Window w's inputs and targets appended to `inputs`, `targets` (T each).
    void window(std::size_t w, std::vector<int>& inputs, std::vector<int>& targets) const;

private:
    std::size_t T_ = 0, sentences_ = 0;
    std::vector<int> stream_;
    std::vector<std::size_t> starts_;  // stream offsets of usable sentence starts
};

/// The batches of training: B windows per step in the shuffled order described above.
class BatchSampler {
public:
    BatchSampler(const TokenCorpus& corpus, std::size_t B, std::uint64_t seed,
                 std::uint64_t position = 0);
    /// The next batch: B T inputs and B T targets, row-major [B, T].
    void next(std::vector<int>& inputs, std::vector<int>& targets);
    /// Windows used so far.
    std::uint64_t position() const { return position_; }

private:
    const std::vector<std::size_t>& order_of(std::uint64_t epoch);
    const TokenCorpus& corpus_;
    std::size_t B_;
    std::uint64_t seed_, position_;
    std::uint64_t cached_epoch_ = ~std::uint64_t{0};
    std::vector<std::size_t> order_;
};

}  // namespace tapegrad
