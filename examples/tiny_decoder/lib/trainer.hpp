#pragma once
/// Trainer: the tiny decoder with its AdamW optimizer, one step at a time, and its checkpoint.
///
/// One step (step()):  loss = model.loss(batch);  backward through the whole tape;
///                     clip_grad_norm(all parameters, clip);  AdamW step;  zero the gradients.
/// AdamW decays only the parameters of two or more dimensions (wte, wpe, the weight matrices,
/// W_out), not the biases or the LayerNorm weights (AdamWOptions::decay_only_matrices).
///
/// The checkpoint (engine/io/safetensors.hpp, save_checkpoint) holds the parameters by their
/// state_dict names, the AdamW moments as "optimizer.exp_avg.<name>" and
/// "optimizer.exp_avg_sq.<name>", and the metadata:
///   format               "tapegrad.tiny_decoder.v1"
///   config.V, config.C, config.L, config.H, config.T_max
///   optimizer, optimizer.lr, .beta1, .beta2, .eps, .weight_decay, .decay_only_matrices,
///   optimizer.step       AdamW's own fields and its step count
///   train.clip, train.batch, train.seq_len, train.seed
///   data.position        windows of the training order used so far (corpus.hpp); with
///                        train.seed it is the whole state of the data order, since nothing
///                        else in training draws random numbers (no dropout)
///   plus whatever the caller adds (the program: data.corpus, data.corpus_sha256,
///   tokenizer.file, tokenizer.sha256, train.loss, valid.loss).
/// Every number is written as the shortest text that reads back as the same double, so a
/// resumed run continues bit for bit, and the same seed gives a byte-identical file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/tape.hpp"
#include "engine/io/safetensors.hpp"
#include "engine/optim/adamw.hpp"
#include "examples/tiny_decoder/lib/model.hpp"

namespace tapegrad {

constexpr const char* kCheckpointFormat = "tapegrad.tiny_decoder.v1";

struct TrainSettings {
    TinyDecoderConfig config;
    AdamWOptions adamw = default_adamw();
    double clip = 1.0;         // max total gradient norm
    std::size_t batch = 32;    // B
    std::size_t seq_len = 32;  // T of the training windows (at most config.T_max)
    std::uint64_t seed = 1337;

    static AdamWOptions default_adamw();
    /// Throws std::invalid_argument naming the field (lr negative or not finite, ...).
    void check() const;
};

class Trainer {
public:
    explicit Trainer(const TrainSettings& settings);

    /// What a loaded checkpoint is for: training on needs the AdamW moments too; running the
    /// model (generate, explain) needs the weights only, so a file PyTorch saved from the
    /// model's state_dict (with the metadata) loads for that, its moments zero.
    enum class Use { resume, inference };
    /// Loads a checkpoint written by save(). Throws CheckpointError (the file's own problems:
    /// missing, truncated, foreign format, a configuration that does not match its tensors,
    /// no optimizer state to resume from) naming the file.
    static std::unique_ptr<Trainer> load(const std::string& path, Metadata* metadata = nullptr,
                                         Use use = Use::resume);

    /// One AdamW step on the batch (B T inputs and targets, [B, T]); returns the loss before
    /// the step.
    double step(const std::vector<int>& inputs, const std::vector<int>& targets, std::size_t B,
                std::size_t T);

    /// Hooks on the trainer's tape from now on, until removed (engine/core/tape_hooks.hpp), e.g.
    /// an OpProfile that times every op: bench/decoder_step --profile prints it.
    void add_hooks(TapeHooks& hooks) { tape_.add_hooks(hooks); }
    void remove_hooks(TapeHooks& hooks) { tape_.remove_hooks(hooks); }
    /// The mean loss over the batches, without recording (no gradients).
    double evaluate(const std::vector<int>& inputs, const std::vector<int>& targets, std::size_t B,
                    std::size_t T);

    /// Writes the checkpoint atomically with the metadata above plus `extra`.
    void save(const std::string& path, const Metadata& extra) const;
    Metadata metadata() const;

    const TinyDecoder& model() const { return *model_; }
    const TrainSettings& settings() const { return settings_; }
    long step_count() const { return opt_->step_count(); }
    std::uint64_t data_position() const { return data_position_; }
    void set_data_position(std::uint64_t p) { data_position_ = p; }
    /// Every tensor a checkpoint holds, by its name there.
    NamedTensors checkpoint_tensors() const;

private:
    TrainSettings settings_;
    std::unique_ptr<TinyDecoder> model_;
    NamedTensors params_;
    std::unique_ptr<AdamW> opt_;
    Tape tape_;
    std::uint64_t data_position_ = 0;
};

/// A metadata value as a double / an unsigned integer; throws CheckpointError
/// "<file>: metadata <key>: ..." when it is missing or not a (finite) number.
double metadata_double(const Metadata& m, const std::string& key, const std::string& file);
std::uint64_t metadata_uint(const Metadata& m, const std::string& key, const std::string& file);

}  // namespace tapegrad
