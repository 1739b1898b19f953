/// tiny_decoder: a small German decoder, trained here, that reads "Paris ist die Hauptstadt
/// von" and predicts "Frankreich"; then the notebook's Teil 1 and Teil 2 on its true numbers.
///
///   tiny_decoder                     train the default model unless tiny_decoder_run/
///                                    checkpoint.safetensors exists, then explain
///                                    "Paris ist die Hauptstadt von"
///   tiny_decoder train [...]         train (progress, validation, checkpoints, loss curve)
///   tiny_decoder generate --prompt P greedy (or sampled) continuation through the tokenizer
///   tiny_decoder explain [--prompt P] [--target T] [--json]   Teil 1, Teil 2, attention
///   tiny_decoder step --batches F --steps N --out F [--json]  N AdamW steps on given batches
///
/// The default place for everything the program writes is the folder tiny_decoder_run/ in the
/// current folder (checkpoint.safetensors, loss_curve.png/.gp, attention.png/.gp); --out and
/// --plots change it. The corpus and tokenizer come from examples/tiny_decoder/data (found
/// from any folder; TAPEGRAD_DATA_DIR overrides it). Every error prints one line on stderr,
/// "tiny_decoder: ...", and exits with status 2, before anything is written.
///
/// This file is the command line; each command is a file beside it (train_command.cpp with
/// train_setup.cpp, generate_command.cpp, explain_command.cpp, step_command.cpp,
/// default_run.cpp) over the tiny decoder's library one folder up (model, trainer, corpus,
/// tokenizer, explain, generate, loaded_model).

#include <iostream>

#include <CLI/CLI.hpp>

#include "examples/tiny_decoder/cli/command.hpp"
#include "examples/tiny_decoder/cli/default_run.hpp"
#include "examples/tiny_decoder/cli/explain_command.hpp"
#include "examples/tiny_decoder/cli/generate_command.hpp"
#include "examples/tiny_decoder/cli/step_command.hpp"
#include "examples/tiny_decoder/cli/train_command.hpp"

using namespace tapegrad::cli;

int main(int argc, char** argv) {
    CLI::App app{
        "tiny_decoder: a tiny German decoder trained here; explains \"Paris ist die Hauptstadt "
        "von\" -> \"Frankreich\" on its true numbers.\nWithout a subcommand: train the default "
        "model unless tiny_decoder_run/checkpoint.safetensors exists, then explain."};
    app.require_subcommand(0, 1);
    TrainArgs train_args;
    CLI::App* train = app.add_subcommand("train", "Train the decoder (AdamW, checkpoints, plots)");
    add_train_options(*train, train_args);
    GenerateArgs generate_args;
    CLI::App* generate = app.add_subcommand("generate", "Continue a prompt (greedy by default)");
    add_generate_options(*generate, generate_args);
    ExplainArgs explain_args;
    CLI::App* explain = app.add_subcommand("explain", "Teil 1 and Teil 2 on the true numbers");
    add_explain_options(*explain, explain_args);
    StepArgs step_args;
    CLI::App* step =
        app.add_subcommand("step", "Exactly N AdamW steps on the batches in a JSON file");
    add_step_options(*step, step_args);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "tiny_decoder: " << one_line(e.what()) << "\n";
        return 2;
    }
    try {
        if (*train) return run_train(train_args, *train);
        if (*generate) return run_generate(generate_args);
        if (*explain) return run_explain(explain_args);
        if (*step) return run_step(step_args);
        return run_default();
    } catch (const std::exception& e) {  // a Refusal, or a library's std::invalid_argument
        std::cerr << "tiny_decoder: " << one_line(e.what()) << "\n";
        return 2;
    }
}
