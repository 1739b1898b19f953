#pragma once
/// tiny_decoder explain: the notebook's Teil 1 and Teil 2 on the model's true numbers
/// (explain.hpp computes them), as text tables or one JSON document, and the attention heatmap.

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

#include "examples/tiny_decoder/cli/command.hpp"

namespace tapegrad::cli {

struct ExplainArgs {
    std::string checkpoint, prompt = kDefaultPrompt, target, tokenizer, plots;
    bool json = false, no_plots = false;
    double sgd_lr = 0.01;  // ||h||^2 is ~200: a larger step jumps to p = 1 at once
    std::size_t sgd_steps = 5, top = 10;
};

void add_explain_options(CLI::App& cmd, ExplainArgs& a);
int run_explain(const ExplainArgs& a);

}  // namespace tapegrad::cli
