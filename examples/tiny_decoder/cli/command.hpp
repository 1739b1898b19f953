#pragma once
/// What the tiny_decoder commands share: where a run's files go by default, how a refusal is
/// reported (one line on stderr, exit status 2: main.cpp), the prompt with its T_max note, and
/// a plot or the reason it was skipped.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/tokenizer.hpp"

namespace tapegrad::cli {

inline constexpr const char* kDefaultRunDir = "tiny_decoder_run";
inline constexpr const char* kDefaultPrompt = "Paris ist die Hauptstadt von";
inline constexpr const char* kDefaultTarget = "Frankreich";

/// Bad input the command refuses: main prints "tiny_decoder: <message>" and exits with 2.
struct Refusal : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// tiny_decoder_run/checkpoint.safetensors
std::string default_checkpoint();

/// A message as one line: control characters become '?'.
std::string one_line(std::string text);

/// The prompt's ids, all of them. A prompt longer than T_max is not refused: the model reads
/// its last T_max pieces, and this says so on stderr.
std::vector<int> prompt_ids(const Tokenizer& tok, const std::string& prompt, std::size_t T_max);

/// Draws `script` as dir/name.png; "plot: <png>" or "plot skipped: <why>".
std::string plot_or_reason(const std::string& dir, const std::string& name,
                           const std::string& script);

}  // namespace tapegrad::cli
