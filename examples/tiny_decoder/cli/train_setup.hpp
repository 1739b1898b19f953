#pragma once
/// Everything `tiny_decoder train` decides before its first step: a fresh trainer or the one a
/// checkpoint resumes (with the refusals that keep a resumed run exact), the corpus and the
/// tokenizer (the shipped ones, one trained on --corpus, or the checkpoint's, checked by
/// SHA-256), the held-out windows, and the provenance metadata every checkpoint records.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/io/safetensors.hpp"
#include "examples/tiny_decoder/cli/train_command.hpp"
#include "examples/tiny_decoder/lib/corpus.hpp"
#include "examples/tiny_decoder/lib/trainer.hpp"

namespace tapegrad::cli {

struct TrainRun {
    std::unique_ptr<Trainer> trainer;
    std::unique_ptr<TokenCorpus> train_data;
    std::string corpus, valid;            // their paths
    std::vector<int> valid_in, valid_tg;  // the held-out windows, [valid_n, T] each
    std::size_t valid_n = 0;
    Metadata provenance;         // what each checkpoint records besides the trainer
    std::string out, out_dir;    // the checkpoint and its folder
    std::string tokenizer_note;  // "trained tokenizer ..." when one was trained
};

/// Throws Refusal (command.hpp) for what cannot run: a bad option, a resumed run asked to
/// change what it keeps, a missing or changed corpus, a corpus too small for the vocabulary.
TrainRun prepare_training(const TrainArgs& a, const CLI::App& cmd);

/// The run's first lines: configuration, tokenizer, corpus and validation windows.
void print_run_header(const TrainArgs& a, const TrainRun& run);

}  // namespace tapegrad::cli
