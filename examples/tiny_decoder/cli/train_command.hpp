#pragma once
/// tiny_decoder train: AdamW steps with progress, validation, checkpoints and the loss curve.

#include <cstddef>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "examples/tiny_decoder/lib/tokenizer.hpp"
#include "examples/tiny_decoder/lib/trainer.hpp"

namespace tapegrad::cli {

struct TrainArgs {
    std::string corpus, valid, tokenizer, out, resume;
    int vocab_size = kDefaultVocabSize;
    std::size_t steps = 800;  // the default run: 22 s on two cores (measured 2026-12-07)
    std::size_t batch = 32, eval_every = 100, checkpoint_every = 500;
    double lr = TrainSettings::default_adamw().lr;
    std::uint64_t seed = 1337;
    std::size_t C = 64, L = 2, H = 4, T_max = 32;
    bool no_plots = false;
};

void add_train_options(CLI::App& cmd, TrainArgs& a);

/// `cmd` tells which options were given (those a resumed run may not change).
int run_train(const TrainArgs& a, const CLI::App& cmd);

}  // namespace tapegrad::cli
