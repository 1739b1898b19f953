#pragma once
/// LoadedModel: a trained tiny decoder from its checkpoint, with the tokenizer it was trained
/// with — what `tiny_decoder generate / explain / step` and the Python module start from.
///
/// The tokenizer is the one the checkpoint names (metadata tokenizer.file, tokenizer.sha256):
/// the file given, else that file beside the checkpoint, else in the data folder
/// (data_paths.hpp); its SHA-256 must be the recorded one, or the pieces would not mean what
/// the model learned.

#include <memory>
#include <string>

#include "engine/io/safetensors.hpp"
#include "examples/tiny_decoder/lib/tokenizer.hpp"
#include "examples/tiny_decoder/lib/trainer.hpp"

namespace tapegrad {

struct LoadedModel {
    std::unique_ptr<Trainer> trainer;  // the model and its optimizer state (trainer->model())
    Metadata metadata;                 // the checkpoint's
    Tokenizer tokenizer;
};

/// Throws std::invalid_argument naming the file when the checkpoint does not exist (and the
/// command that trains one), its tokenizer is missing or not the recorded one, or the
/// tokenizer's vocabulary is not the model's; CheckpointError for the file's own problems.
/// `tokenizer_path` empty: the file the checkpoint names, found as said above. `use`: see
/// Trainer::Use (inference needs the weights only).
LoadedModel load_model(const std::string& checkpoint, const std::string& tokenizer_path = {},
                       Trainer::Use use = Trainer::Use::inference);

/// The tokenizer the checkpoint's metadata `m` names, found and checked as said above (for a
/// resumed run; load_model calls it too). Throws std::invalid_argument as load_model does.
Tokenizer tokenizer_for(const Metadata& m, const std::string& checkpoint, const std::string& given);

/// The folder a file is in ("." for a bare file name).
std::string folder_of(const std::string& path);

}  // namespace tapegrad
