#include "examples/tiny_decoder/cli/train_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <vector>

#include "engine/core/number_string.hpp"
#include "examples/tiny_decoder/cli/command.hpp"
#include "examples/tiny_decoder/cli/train_setup.hpp"
#include "examples/tiny_decoder/lib/plots.hpp"
#include "examples/tiny_decoder/lib/progress.hpp"

namespace tapegrad::cli {

int run_train(const TrainArgs& a, const CLI::App& cmd) {
    TrainRun run = prepare_training(a, cmd);  // trainer, data, provenance (train_setup.cpp)
    print_run_header(a, run);
    Trainer& trainer = *run.trainer;
    const std::size_t T = trainer.settings().seq_len, B = trainer.settings().batch;

    BatchSampler sampler(*run.train_data, B, trainer.settings().seed, trainer.data_position());
    Progress progress(a.steps, isatty(STDERR_FILENO) != 0);
    std::vector<double> losses;
    std::vector<ValidPoint> valid_points;
    double last_valid = -1;
    std::vector<int> in, tg;
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t first = static_cast<std::size_t>(trainer.step_count()) + 1;
    for (std::size_t step = first; step <= a.steps; ++step) {
        sampler.next(in, tg);
        const double loss = trainer.step(in, tg, B, T);  // loss, backward, clip, AdamW
        trainer.set_data_position(sampler.position());
        if (!std::isfinite(loss))
            throw Refusal("the loss became " + number_string(loss) + " at step " +
                          std::to_string(step));
        losses.push_back(loss);
        const bool eval = step % a.eval_every == 0 || step == a.steps;
        if (eval && run.valid_n > 0) {
            last_valid = trainer.evaluate(run.valid_in, run.valid_tg, run.valid_n, T);
            valid_points.push_back({step, last_valid});
        }
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double done = static_cast<double>(step - first + 1);
        progress.report(step, loss, last_valid, done * static_cast<double>(B * T) / elapsed,
                        elapsed / done * static_cast<double>(a.steps - step), eval);
        if (step % a.checkpoint_every == 0 || step == a.steps) {
            run.provenance["train.loss"] = number_string(loss);
            run.provenance["valid.loss"] = number_string(last_valid);
            std::filesystem::create_directories(run.out_dir);
            trainer.save(run.out, run.provenance);
            if (step != a.steps)
                progress.message("checkpoint: " + run.out + " (step " + std::to_string(step) + ")");
        }
    }
    progress.finish();

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::size_t tail = std::min<std::size_t>(100, losses.size());
    const double mean_tail =
        std::accumulate(losses.end() - static_cast<std::ptrdiff_t>(tail), losses.end(), 0.0) /
        static_cast<double>(tail);
    char valid_text[64] = "no validation text (--valid)";
    if (!valid_points.empty())
        std::snprintf(valid_text, sizeof valid_text, "validation loss %.4f", last_valid);
    std::printf(
        "trained %zu steps in %.1f s (%.0f tokens/s): mean loss of the last %zu steps "
        "%.4f, %s\n",
        losses.size(), seconds, static_cast<double>(losses.size() * B * T) / seconds, tail,
        mean_tail, valid_text);
    std::printf("checkpoint: %s\n", run.out.c_str());
    if (!a.no_plots)
        std::printf("%s\n", plot_or_reason(run.out_dir, "loss_curve",
                                           loss_curve_script(losses, valid_points))
                                .c_str());
    return 0;
}

void add_train_options(CLI::App& cmd, TrainArgs& a) {
    cmd.add_option("--corpus", a.corpus,
                   "UTF-8 text, one sentence per line (default: the shipped train.txt); a "
                   "tokenizer is trained on it unless --tokenizer is given")
        ->type_name("FILE");
    cmd.add_option("--valid", a.valid,
                   "Held-out text for the validation loss (default: the shipped valid.txt "
                   "with the shipped corpus; none with --corpus)")
        ->type_name("FILE");
    cmd.add_option("--tokenizer", a.tokenizer, "SentencePiece model (default: the shipped one)")
        ->type_name("FILE");
    cmd.add_option("--vocab-size", a.vocab_size, "Pieces of the tokenizer trained on --corpus")
        ->capture_default_str();
    cmd.add_option("--steps", a.steps, "Total AdamW steps (with --resume: up to this step)")
        ->capture_default_str();
    cmd.add_option("--batch", a.batch, "Sequences per step (B)")->capture_default_str();
    cmd.add_option("--lr", a.lr, "AdamW learning rate (constant)")->capture_default_str();
    cmd.add_option("--seed", a.seed, "Seed of the initialisation and of the data order")
        ->capture_default_str();
    cmd.add_option("--out", a.out,
                   "Checkpoint to write (default tiny_decoder_run/checkpoint.safetensors)")
        ->type_name("FILE");
    cmd.add_option("--resume", a.resume,
                   "Continue from this checkpoint (its model, optimizer, data position and "
                   "hyperparameters)")
        ->type_name("FILE");
    cmd.add_option("--eval-every", a.eval_every, "Validation loss every K steps")
        ->capture_default_str();
    cmd.add_option("--checkpoint-every", a.checkpoint_every, "Checkpoint every K steps")
        ->capture_default_str();
    cmd.add_option("--channels", a.C, "C")->capture_default_str();
    cmd.add_option("--layers", a.L, "L")->capture_default_str();
    cmd.add_option("--heads", a.H, "H")->capture_default_str();
    cmd.add_option("--context", a.T_max, "T_max (also the training windows' length)")
        ->capture_default_str();
    cmd.add_flag("--no-plots", a.no_plots, "Do not draw the loss curve");
}

}  // namespace tapegrad::cli
