#pragma once
/// The tiny decoder's tokenizer: a SentencePiece BPE model over the German corpus in
/// examples/tiny_decoder/data, loaded, used and trained through SentencePiece's
/// Status-returning calls only (the convenience EncodeAsIds/DecodeIds swallow errors).
///
///   Tokenizer tok = Tokenizer::load(default_data_dir() + "/tokenizer.model");
///   std::vector<int> ids = tok.encode("Paris ist die Hauptstadt von");
///   // pieces: ▁Paris ▁ist ▁die ▁Hauptstadt ▁von; the next one to predict: ▁Frankreich
///
/// Pieces begin with "▁" (U+2581) where a word begins. encode() adds no <s> or </s>: a
/// program that wants them adds bos_id() / eos_id() itself.

#include <memory>
#include <string>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace tapegrad {

/// The shipped tokenizer's vocabulary size. Every one of the corpus's 40 country names is a
/// single piece ("▁Frankreich") from 482 pieces on (at 481 "Kenia", the rarest country with 50
/// training sentences, is still "▁Ken" "ia"); 512 is the next round size and leaves a margin
/// for small changes to the corpus, while keeping the decoder's output layer small. (From 576
/// on every one-word capital is one piece too; the walkthrough needs only the countries.)
constexpr int kDefaultVocabSize = 512;

/// The seed given to sentencepiece::SetRandomGeneratorSeed before training. With our options
/// BPE training draws no random numbers (read in 0.1.97's sources: every sentence is used, so
/// nothing is sampled; no self-test samples; no differential-privacy noise), so the seed
/// changes nothing today; it is set so that no option added later makes training depend on
/// the time of day.
constexpr unsigned kTokenizerSeed = 20261201;

/// A loaded SentencePiece model. Cheap to copy (copies share the immutable model).
class Tokenizer {
public:
    /// Loads a model file. Throws std::invalid_argument "Tokenizer::load: <path>:
    /// <SentencePiece's message>" when the file is missing or is not a SentencePiece model,
    /// and "Tokenizer::load: <path>: incomplete ..." when it is one cut short where
    /// SentencePiece cannot tell: a model cut between two of its fields still parses, as a
    /// smaller model with the default (unigram) options, so load checks that the options
    /// (trainer_spec) and the normalizer (normalizer_spec), written after the pieces, are there.
    static Tokenizer load(const std::string& model_path);

    /// The ids of `text`, after SentencePiece's NFKC normalization (a decomposed "A" + U+0308
    /// encodes as "Ä") and whitespace cleanup (leading, trailing and repeated spaces go).
    /// Characters the model has no piece for become unk_id() (there is no byte fallback).
    /// Throws std::invalid_argument naming the byte when `text` is not valid UTF-8
    /// (SentencePiece would silently turn such bytes into U+FFFD, then into <unk>).
    std::vector<int> encode(const std::string& text) const;

    /// The text of `ids`. <s> and </s> decode to nothing, <unk> to " ⁇ " (SentencePiece's
    /// mark for it). decode(encode(s)) == s for NFKC-normalized text with single spaces
    /// between words and no character outside the vocabulary. Throws std::invalid_argument
    /// for an id outside [0, vocab_size()).
    std::string decode(const std::vector<int>& ids) const;

    /// The piece of an id ("▁Frankreich", "<unk>"). Throws std::invalid_argument for an id
    /// outside [0, vocab_size()).
    std::string piece(int id) const;

    /// The id of a piece, or -1 when the vocabulary has no such piece. (SentencePiece itself
    /// answers unk_id() for every unknown piece; here unk_id() comes back only for "<unk>".)
    int piece_id(const std::string& piece) const;

    int vocab_size() const;
    /// The ids of <unk>, <s>, </s>: 0, 1, 2 in models made by train_tokenizer; -1 for a
    /// model that has no such piece.
    int unk_id() const;
    int bos_id() const;
    int eos_id() const;

private:
    explicit Tokenizer(std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp);
    std::shared_ptr<const sentencepiece::SentencePieceProcessor> sp_;
};

/// Trains a BPE tokenizer on the corpus (UTF-8 text, one sentence per line) and writes it to
/// `model_path`, with a readable list of its pieces and scores beside it
/// (vocab_path_for(model_path), SentencePiece's .vocab format: "piece<TAB>score" per line).
///
/// The corpus is checked first: a missing or empty file, one that is not valid UTF-8 or has
/// a line longer than 4192 bytes (which SentencePiece would skip with only a warning) throws
/// std::invalid_argument naming the file (and the line and byte); so does a vocab size < 1.
/// Lines are split at '\n' (a trailing '\r' is dropped); blank lines are skipped.
/// SentencePiece options: model_type=bpe, vocab_size, character_coverage=1.0 (every
/// character of the corpus gets a piece: ä ö ü ß), unk_id=0, bos_id=1, eos_id=2, pad_id=-1
/// (no padding piece), all sentences used in file order (input_sentence_size=0, no
/// shuffling), nmt_nfkc normalization (the default), num_threads=1 (BPE is single-threaded
/// anyway), log level: errors only (minloglevel=2, a process-wide setting of SentencePiece's:
/// its progress report and its warning before "Vocabulary size too high" stay quiet). A failure of
/// SentencePiece (a vocabulary larger than the corpus can fill, or smaller than its characters)
/// throws std::invalid_argument with SentencePiece's own message.
///
/// Deterministic to the byte: SentencePiece trains in memory here, from the sentences we
/// hand it, so the model stores neither the corpus's path nor a model prefix (spm_train
/// writes both into the model's trainer_spec, so its bytes depend on where it was run).
/// Files are written atomically: each to a temporary file in the target's folder, then
/// renamed over the target; the model first, then the .vocab. A crash between the two
/// renames leaves a new model beside an old .vocab; nothing reads the .vocab.
void train_tokenizer(const std::string& corpus_path, const std::string& model_path,
                     int vocab_size = kDefaultVocabSize);

/// Where train_tokenizer writes the .vocab of a model: the model's path with its extension
/// replaced by ".vocab" (tokenizer.model -> tokenizer.vocab, tok -> tok.vocab).
std::string vocab_path_for(const std::string& model_path);

}  // namespace tapegrad
