#pragma once
/// tiny_decoder generate: the prompt continued, greedy or sampled (generate.hpp), as text.

#include <cstddef>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace tapegrad::cli {

struct GenerateArgs {
    std::string checkpoint, prompt, tokenizer;
    std::size_t tokens = 24, top_k = 0;
    double temperature = 0;
    std::uint64_t seed = 1;
};

void add_generate_options(CLI::App& cmd, GenerateArgs& a);
int run_generate(const GenerateArgs& a);

}  // namespace tapegrad::cli
