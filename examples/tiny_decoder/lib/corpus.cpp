#include "examples/tiny_decoder/lib/corpus.hpp"

#include <fstream>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "engine/core/random.hpp"

namespace tapegrad {

TokenCorpus TokenCorpus::from_file(const std::string& path, const Tokenizer& tok, std::size_t T) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot open the corpus");
    if (tok.eos_id() < 0)
        throw std::invalid_argument(path + ": the tokenizer has no end-of-sentence piece </s>");
    TokenCorpus c;
    c.T_ = T;
    std::vector<std::size_t> all_starts;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        std::vector<int> ids;
        try {
            ids = tok.encode(line);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(path + ": line " + std::to_string(number) + ": " +
                                        e.what());
        }
        all_starts.push_back(c.stream_.size());
        c.stream_.insert(c.stream_.end(), ids.begin(), ids.end());
        c.stream_.push_back(tok.eos_id());
        ++c.sentences_;
    }
    if (c.sentences_ == 0) throw std::invalid_argument(path + ": the corpus is empty");
    for (std::size_t s : all_starts)
        if (s + T + 1 <= c.stream_.size()) c.starts_.push_back(s);
    if (c.starts_.empty())
        throw std::invalid_argument(
            path + ": the corpus has " + std::to_string(c.stream_.size()) +
            " tokens, fewer than one window of T + 1 = " + std::to_string(T + 1));
    return c;
}

void TokenCorpus::window(std::size_t w, std::vector<int>& inputs, std::vector<int>& targets) const {
    const std::size_t s = starts_.at(w);
    inputs.insert(inputs.end(), stream_.begin() + s, stream_.begin() + s + T_);
    targets.insert(targets.end(), stream_.begin() + s + 1, stream_.begin() + s + T_ + 1);
}

BatchSampler::BatchSampler(const TokenCorpus& corpus, std::size_t B, std::uint64_t seed,
                           std::uint64_t position)
    : corpus_(corpus), B_(B), seed_(seed), position_(position) {}

const std::vector<std::size_t>& BatchSampler::order_of(std::uint64_t epoch) {
    if (epoch == cached_epoch_) return order_;
    // A generator of its own per epoch (not the model's initialisation stream), so the order
    // of epoch e depends on (seed, e) alone.
    Random rng(seed_ ^ (0x9E3779B97F4A7C15ULL * (epoch + 1)));
    order_.resize(corpus_.windows());
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    for (std::size_t i = order_.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(rng.next_u64() % i);  // in [0, i)
        std::swap(order_[i - 1], order_[j]);
    }
    cached_epoch_ = epoch;
    return order_;
}

void BatchSampler::next(std::vector<int>& inputs, std::vector<int>& targets) {
    inputs.clear();
    targets.clear();
    const std::uint64_t n = corpus_.windows();
    for (std::size_t b = 0; b < B_; ++b, ++position_) {
        const std::vector<std::size_t>& order = order_of(position_ / n);
        corpus_.window(order[position_ % n], inputs, targets);
    }
}

}  // namespace tapegrad
