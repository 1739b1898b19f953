#pragma once
/// tiny_decoder step: exactly N AdamW steps on batches given in a JSON file, for scripts (the
/// PyTorch check replays them in torch).

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

namespace tapegrad::cli {

struct StepArgs {
    std::string checkpoint, batches, out, tokenizer;
    std::size_t steps = 0;
    bool json = false;
};

void add_step_options(CLI::App& cmd, StepArgs& a);
int run_step(const StepArgs& a);

}  // namespace tapegrad::cli
