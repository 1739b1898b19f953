#include "examples/tiny_decoder/lib/tokenizer.hpp"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace tapegrad {

namespace {

namespace fs = std::filesystem;
using sentencepiece::SentencePieceProcessor;

constexpr std::size_t kValid = std::string::npos;

// SentencePiece's default max_sentence_length: it skips longer lines with only a warning,
// so train_tokenizer refuses them instead (a sentence corpus has none).
constexpr std::size_t kMaxSentenceBytes = 4192;

// The index of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or kValid.
std::size_t first_invalid_utf8(const std::string& s) {
    const auto byte = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const auto continuation = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return i < s.size() && byte(i) >= lo && byte(i) <= hi;
    };
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned b = byte(i);
        std::size_t length = 0;
        if (b < 0x80) {
            length = 1;
        } else if (b >= 0xC2 && b <= 0xDF) {
            length = continuation(i + 1) ? 2 : 0;
        } else if (b >= 0xE0 && b <= 0xEF) {
            const unsigned lo = b == 0xE0 ? 0xA0 : 0x80;  // E0: no overlong forms
            const unsigned hi = b == 0xED ? 0x9F : 0xBF;  // ED: no surrogates
            length = continuation(i + 1, lo, hi) && continuation(i + 2) ? 3 : 0;
        } else if (b >= 0xF0 && b <= 0xF4) {
            const unsigned lo = b == 0xF0 ? 0x90 : 0x80;  // F0: no overlong forms
            const unsigned hi = b == 0xF4 ? 0x8F : 0xBF;  // F4: nothing above U+10FFFF
            length =
                continuation(i + 1, lo, hi) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
        }
        if (length == 0) return i;
        i += length;
    }
    return kValid;
}

// SentencePiece's message ("Internal: ./src/...(660) [condition] text"), without the
// trailing blank some of them end in.
std::string message_of(const sentencepiece::util::Status& status) {
    std::string text = status.ToString();
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

std::string hex_byte(char c) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned char>(c));
    return buffer;
}

// The whole file, or std::invalid_argument "<who>: <path>: <why>".
std::string read_file(const std::string& who, const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw std::invalid_argument(who + ": " + path + ": is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::invalid_argument(who + ": " + path + ": cannot open (" + std::strerror(errno) +
                                    ")");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::invalid_argument(who + ": " + path + ": cannot read");
    return bytes;
}

// The corpus's sentences, checked: valid UTF-8 everywhere, at least one non-empty line.
std::vector<std::string> read_corpus(const std::string& path) {
    const std::string bytes = read_file("train_tokenizer", path);
    std::vector<std::string> sentences;
    std::size_t begin = 0;
    for (std::size_t line = 1; begin < bytes.size(); ++line) {
        std::size_t end = bytes.find('\n', begin);
        if (end == std::string::npos) end = bytes.size();
        std::string sentence = bytes.substr(begin, end - begin);
        const std::size_t bad = first_invalid_utf8(sentence);
        if (bad != kValid)
            throw std::invalid_argument("train_tokenizer: " + path + ": line " +
                                        std::to_string(line) + ", byte " + std::to_string(bad + 1) +
                                        ": not valid UTF-8 (" + hex_byte(sentence[bad]) + ")");
        if (!sentence.empty() && sentence.back() == '\r') sentence.pop_back();
        if (sentence.size() > kMaxSentenceBytes)
            throw std::invalid_argument(
                "train_tokenizer: " + path + ": line " + std::to_string(line) + ": longer than " +
                std::to_string(kMaxSentenceBytes) + " bytes (SentencePiece would skip it)");
        if (sentence.find_first_not_of(" \t") != std::string::npos)
            sentences.push_back(std::move(sentence));
        begin = end + 1;
    }
    if (sentences.empty())
        throw std::invalid_argument("train_tokenizer: " + path +
                                    ": is empty (no sentence to train on)");
    return sentences;
}

// Hands SentencePiece's trainer our checked sentences (so the model stores no input path).
class SentenceList : public sentencepiece::SentenceIterator {
public:
    explicit SentenceList(const std::vector<std::string>& sentences) : sentences_(sentences) {}
    bool done() const override { return next_ >= sentences_.size(); }
    void Next() override { ++next_; }
    const std::string& value() const override { return sentences_[next_]; }
    sentencepiece::util::Status status() const override { return {}; }

private:
    const std::vector<std::string>& sentences_;
    std::size_t next_ = 0;
};

// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
void write_atomically(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (out) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(tmp, ignored);
            throw std::invalid_argument("train_tokenizer: " + path + ": cannot write");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        throw std::invalid_argument("train_tokenizer: " + path + ": cannot write (" + ec.message() +
                                    ")");
    }
}

// SentencePiece's .vocab format: "piece<TAB>score" per line, the score as an ostream prints
// a float (what spm_train writes).
std::string vocab_text(const SentencePieceProcessor& sp) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    for (int id = 0; id < sp.GetPieceSize(); ++id)
        out << sp.IdToPiece(id) << '\t' << sp.GetScore(id) << '\n';
    return out.str();
}

// Protobuf's wire format, just enough to list the top-level fields of a serialized message:
// a varint key (field number << 3 | wire type), then the value. False when the bytes run out
// in the middle of a field.
bool read_varint(const std::string& bytes, std::size_t& pos, std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
        const auto b = static_cast<unsigned char>(bytes[pos++]);
        value |= static_cast<std::uint64_t>(b & 0x7F) << shift;
        if ((b & 0x80) == 0) return true;
    }
    return false;
}

bool has_top_level_fields(const std::string& bytes, std::initializer_list<std::uint64_t> wanted) {
    std::vector<std::uint64_t> seen;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::uint64_t key = 0;
        if (!read_varint(bytes, pos, key)) return false;
        const std::uint64_t wire_type = key & 7;
        std::uint64_t skip = 0;
        if (wire_type == 0) {  // varint
            std::uint64_t ignored = 0;
            if (!read_varint(bytes, pos, ignored)) return false;
        } else if (wire_type == 1) {  // fixed64
            skip = 8;
        } else if (wire_type == 2) {  // length-delimited: strings, bytes, messages
            if (!read_varint(bytes, pos, skip)) return false;
        } else if (wire_type == 5) {  // fixed32
            skip = 4;
        } else {
            return false;  // groups (3, 4) do not occur in a ModelProto
        }
        if (skip > bytes.size() - pos) return false;
        pos += static_cast<std::size_t>(skip);
        seen.push_back(key >> 3);
    }
    for (const std::uint64_t field : wanted)
        if (std::find(seen.begin(), seen.end(), field) == seen.end()) return false;
    return true;
}

// ModelProto's fields: 1 pieces, 2 trainer_spec, 3 normalizer_spec (written in this order).
constexpr std::uint64_t kTrainerSpecField = 2;
constexpr std::uint64_t kNormalizerSpecField = 3;

}  // namespace

Tokenizer::Tokenizer(std::shared_ptr<const SentencePieceProcessor> sp) : sp_(std::move(sp)) {}

Tokenizer Tokenizer::load(const std::string& model_path) {
    const std::string who = "Tokenizer::load: " + model_path + ": ";
    std::error_code ec;
    // SentencePiece's reader throws std::ios_failure out of Load() for a folder.
    if (fs::is_directory(model_path, ec))
        throw std::invalid_argument(who + "is a folder, not a file");
    auto sp = std::make_shared<SentencePieceProcessor>();
    sentencepiece::util::Status status;
    try {
        status = sp->Load(model_path);
    } catch (const std::exception& e) {
        throw std::invalid_argument(who + e.what());
    }
    if (!status.ok()) {
        // The message of a failed parse names only SentencePiece's own line of code.
        const bool unparsable = message_of(status).find("ParseFromArray") != std::string::npos;
        throw std::invalid_argument(
            who + message_of(status) +
            (unparsable ? " (not a SentencePiece model, or one cut short)" : ""));
    }
    const std::string bytes = read_file("Tokenizer::load", model_path);
    if (!has_top_level_fields(bytes, {kTrainerSpecField, kNormalizerSpecField}))
        throw std::invalid_argument(who +
                                    "incomplete SentencePiece model (no trainer_spec or "
                                    "normalizer_spec after the pieces: the file was cut short?)");
    return Tokenizer(std::move(sp));
}

std::vector<int> Tokenizer::encode(const std::string& text) const {
    const std::size_t bad = first_invalid_utf8(text);
    if (bad != kValid)
        throw std::invalid_argument("Tokenizer::encode: not valid UTF-8 at byte " +
                                    std::to_string(bad + 1) + " of the text (" +
                                    hex_byte(text[bad]) + ")");
    std::vector<int> ids;
    const sentencepiece::util::Status status = sp_->Encode(text, &ids);
    if (!status.ok()) throw std::invalid_argument("Tokenizer::encode: " + message_of(status));
    return ids;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
    std::string text;
    const sentencepiece::util::Status status = sp_->Decode(ids, &text);
    if (!status.ok())
        throw std::invalid_argument("Tokenizer::decode: " + message_of(status) +
                                    " (the vocabulary has ids 0 to " +
                                    std::to_string(vocab_size() - 1) + ")");
    return text;
}

std::string Tokenizer::piece(int id) const {
    // SentencePiece's IdToPiece does not check the range (it indexes the model's pieces).
    if (id < 0 || id >= vocab_size())
        throw std::invalid_argument("Tokenizer::piece: id " + std::to_string(id) +
                                    " is outside [0, " + std::to_string(vocab_size()) + ")");
    return sp_->IdToPiece(id);
}

int Tokenizer::piece_id(const std::string& piece) const {
    const int id = sp_->PieceToId(piece);
    if (sp_->IsUnknown(id) && piece != sp_->IdToPiece(id)) return -1;
    return id;
}

int Tokenizer::vocab_size() const {
    return sp_->GetPieceSize();
}
int Tokenizer::unk_id() const {
    return sp_->unk_id();
}
int Tokenizer::bos_id() const {
    return sp_->bos_id();
}
int Tokenizer::eos_id() const {
    return sp_->eos_id();
}

std::string vocab_path_for(const std::string& model_path) {
    return fs::path(model_path).replace_extension(".vocab").string();
}

void train_tokenizer(const std::string& corpus_path, const std::string& model_path,
                     int vocab_size) {
    const std::string vocab_path = vocab_path_for(model_path);
    if (model_path.empty() || fs::path(model_path).filename().empty())
        throw std::invalid_argument("train_tokenizer: the model's file name is empty");
    if (vocab_path == model_path)
        throw std::invalid_argument("train_tokenizer: " + model_path +
                                    ": a model file must not end in .vocab (the piece list "
                                    "is written to <name>.vocab beside it)");
    const fs::path folder = fs::path(model_path).parent_path();
    std::error_code ec;
    if (!folder.empty() && !fs::is_directory(folder, ec))
        throw std::invalid_argument("train_tokenizer: " + model_path + ": folder " +
                                    folder.string() + " does not exist");
    if (vocab_size < 1)  // SentencePiece's own message for this one has no words
        throw std::invalid_argument("train_tokenizer: the vocab size must be positive, got " +
                                    std::to_string(vocab_size));
    const std::vector<std::string> sentences = read_corpus(corpus_path);

    const std::unordered_map<std::string, std::string> options = {
        {"model_type", "bpe"},
        {"vocab_size", std::to_string(vocab_size)},
        {"character_coverage", "1.0"},
        {"unk_id", "0"},
        {"bos_id", "1"},
        {"eos_id", "2"},
        {"pad_id", "-1"},
        {"input_sentence_size", "0"},
        {"shuffle_input_sentence", "false"},
        {"normalization_rule_name", "nmt_nfkc"},
        {"num_threads", "1"},
        {"max_sentence_length", std::to_string(kMaxSentenceBytes)},
        {"minloglevel", "2"},
    };
    sentencepiece::SetRandomGeneratorSeed(kTokenizerSeed);
    SentenceList list(sentences);
    std::string model;
    sentencepiece::util::Status status =
        sentencepiece::SentencePieceTrainer::Train(options, &list, &model);
    if (!status.ok())
        throw std::invalid_argument("train_tokenizer: " + corpus_path + " with vocab size " +
                                    std::to_string(vocab_size) + ": " + message_of(status));
    SentencePieceProcessor trained;
    status = trained.LoadFromSerializedProto(model);
    if (!status.ok())
        throw std::invalid_argument("train_tokenizer: the trained model does not load: " +
                                    message_of(status));

    write_atomically(model_path, model);
    write_atomically(vocab_path, vocab_text(trained));
}

}  // namespace tapegrad
