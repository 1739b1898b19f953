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

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "engine/core/number_string.hpp"
#include "examples/gnuplot/gnuplot.hpp"
#include "examples/text/pad.hpp"
#include "examples/tiny_decoder/corpus.hpp"
#include "examples/tiny_decoder/data_paths.hpp"
#include "examples/tiny_decoder/explain.hpp"
#include "examples/tiny_decoder/generate.hpp"
#include "examples/tiny_decoder/loaded_model.hpp"
#include "examples/tiny_decoder/plots.hpp"
#include "examples/tiny_decoder/progress.hpp"
#include "examples/tiny_decoder/prompt.hpp"
#include "examples/tiny_decoder/sha256.hpp"
#include "examples/tiny_decoder/tokenizer.hpp"
#include "examples/tiny_decoder/trainer.hpp"

using namespace tapegrad;
namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr const char* kDefaultRunDir = "tiny_decoder_run";
constexpr const char* kDefaultPrompt = "Paris ist die Hauptstadt von";
constexpr const char* kDefaultTarget = "Frankreich";
constexpr std::size_t kDefaultSteps = 800;  // about a minute on two cores (measured: 60 s)
constexpr std::size_t kValidWindows = 64;   // validation loss over this many held-out windows

std::string default_checkpoint() {
    return (fs::path(kDefaultRunDir) / "checkpoint.safetensors").string();
}

// A message as one line: control characters become '?'.
std::string one_line(std::string text) {
    for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return text;
}

// A data file's path as the checkpoint records it: "data:train.txt" for a file in the data
// folder (so the same run gives the same bytes wherever the repository is), else as given.
std::string stored_path(const std::string& path) {
    if (path.empty()) return path;
    const fs::path data = fs::weakly_canonical(default_data_dir());
    const fs::path p = fs::weakly_canonical(path);
    if (p.parent_path() == data) return "data:" + p.filename().string();
    return path;
}

std::string resolve_stored(const std::string& stored) {
    if (stored.rfind("data:", 0) == 0)
        return (fs::path(default_data_dir()) / stored.substr(5)).string();
    return stored;
}

struct Refusal : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The prompt's ids, all of them. A prompt longer than T_max is not refused: the model reads its
// last T_max pieces, and this says so on stderr.
std::vector<int> prompt_ids(const Tokenizer& tok, const std::string& prompt, std::size_t T_max) {
    std::vector<int> ids = encode_prompt(tok, prompt);
    if (ids.size() > T_max) {
        std::fprintf(stderr,
                     "tiny_decoder: the prompt has %zu pieces, more than T_max = %zu: the model "
                     "reads its last %zu\n",
                     ids.size(), T_max, T_max);
    }
    return ids;
}

std::string plot_or_reason(const std::string& dir, const std::string& name,
                           const std::string& script) {
    std::string why;
    const std::string png = draw_plot(dir, name, script, why);
    return png.empty() ? "plot skipped: " + why : "plot: " + png;
}

// ---------------------------------------------------------------- train

struct TrainArgs {
    std::string corpus, valid, tokenizer, out, resume;
    int vocab_size = kDefaultVocabSize;
    std::size_t steps = kDefaultSteps, batch = 32, eval_every = 100, checkpoint_every = 500;
    double lr = TrainSettings::default_adamw().lr;
    std::uint64_t seed = 1337;
    std::size_t C = 64, L = 2, H = 4, T_max = 32;
    bool no_plots = false;
};

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

int run_train(const TrainArgs& a, const CLI::App& cmd) {
    if (a.steps == 0) throw Refusal("--steps 0: nothing to train (give at least 1)");
    if (!std::isfinite(a.lr) || a.lr < 0)
        throw Refusal("--lr " + number_string(a.lr) +
                      ": the learning rate must be finite and >= 0");
    if (a.eval_every == 0 || a.checkpoint_every == 0)
        throw Refusal("--eval-every and --checkpoint-every must be at least 1");
    const std::string data = default_data_dir();
    const std::string out = a.out.empty() ? default_checkpoint() : a.out;
    const std::string out_dir = folder_of(out);

    std::unique_ptr<Trainer> trainer;
    Metadata resumed;
    if (!a.resume.empty()) {
        for (const char* fixed : {"--batch", "--lr", "--seed", "--channels", "--layers", "--heads",
                                  "--context", "--corpus", "--tokenizer", "--vocab-size"})
            if (cmd.count(fixed))
                throw Refusal(std::string(fixed) +
                              " cannot be changed on --resume (the run keeps "
                              "the checkpoint's)");
        if (!fs::exists(a.resume)) throw Refusal(a.resume + ": no such checkpoint");
        trainer = Trainer::load(a.resume, &resumed);
        if (static_cast<long>(a.steps) <= trainer->step_count())
            throw Refusal(a.resume + " is at step " + std::to_string(trainer->step_count()) +
                          ": --steps " + std::to_string(a.steps) + " leaves nothing to do");
    }

    // Corpus and tokenizer.
    std::string corpus = a.corpus.empty() ? data + "/train.txt" : a.corpus;
    std::string valid = a.valid.empty() && a.corpus.empty() ? data + "/valid.txt" : a.valid;
    std::string tokenizer_path = a.tokenizer.empty() ? data + "/tokenizer.model" : a.tokenizer;
    if (trainer) {
        corpus = resumed.count("data.corpus_path") ? resolve_stored(resumed.at("data.corpus_path"))
                                                   : corpus;
        valid = resumed.count("data.valid_path") ? resolve_stored(resumed.at("data.valid_path"))
                                                 : valid;
        if (!fs::exists(corpus))
            throw Refusal(corpus + ": the corpus of " + a.resume + " is missing");
        const std::string sha = sha256_file(corpus);
        if (resumed.count("data.corpus_sha256") && resumed.at("data.corpus_sha256") != sha)
            throw Refusal(corpus + ": changed since " + a.resume + " was written (SHA-256 " + sha +
                          ", recorded " + resumed.at("data.corpus_sha256") + ")");
    }
    if (!fs::is_regular_file(corpus)) throw Refusal(corpus + ": no such corpus file");
    if (!valid.empty() && !fs::is_regular_file(valid)) throw Refusal(valid + ": no such file");
    std::string tokenizer_note;
    Tokenizer tok = [&]() {
        if (trainer) return tokenizer_for(resumed, a.resume, "");
        if (!a.corpus.empty() && a.tokenizer.empty()) {
            tokenizer_path = (fs::path(out_dir) / "tokenizer.model").string();
            // Checks the corpus (missing, empty, not UTF-8) and passes SentencePiece's own
            // message through (a vocabulary the corpus cannot fill).
            const bool made = fs::create_directories(out_dir);
            try {
                train_tokenizer(corpus, tokenizer_path, a.vocab_size);
            } catch (const std::exception& e) {
                std::error_code ignored;
                if (made) fs::remove(out_dir, ignored);  // leave nothing behind
                const std::string message = e.what();
                if (message.find("Vocabulary size") == std::string::npos) throw;
                throw Refusal(message + " (set it with --vocab-size)");
            } catch (...) {
                std::error_code ignored;
                if (made) fs::remove(out_dir, ignored);
                throw;
            }
            tokenizer_note = "trained tokenizer " + tokenizer_path + " (" +
                             std::to_string(a.vocab_size) + " pieces) on " + corpus;
        }
        return Tokenizer::load(tokenizer_path);
    }();
    if (trainer) tokenizer_path = resumed.at("tokenizer.file");

    if (!trainer) {
        TrainSettings s;
        s.config.V = static_cast<std::size_t>(tok.vocab_size());
        s.config.C = a.C;
        s.config.L = a.L;
        s.config.H = a.H;
        s.config.T_max = a.T_max;
        s.seq_len = a.T_max;
        s.batch = a.batch;
        s.adamw.lr = a.lr;
        s.seed = a.seed;
        trainer = std::make_unique<Trainer>(s);
    }
    const TrainSettings& s = trainer->settings();
    const std::size_t T = s.seq_len, B = s.batch;
    const TokenCorpus train_data = TokenCorpus::from_file(corpus, tok, T);
    std::unique_ptr<TokenCorpus> valid_data;
    std::vector<int> valid_in, valid_tg;
    std::size_t valid_n = 0;
    if (!valid.empty()) {
        valid_data = std::make_unique<TokenCorpus>(TokenCorpus::from_file(valid, tok, T));
        valid_n = std::min(kValidWindows, valid_data->windows());
        for (std::size_t w = 0; w < valid_n; ++w) valid_data->window(w, valid_in, valid_tg);
    }

    // Everything the checkpoint names besides the trainer's own fields.
    Metadata extra;
    const fs::path tok_abs = fs::absolute(tokenizer_path);
    extra["tokenizer.file"] = trainer && resumed.count("tokenizer.file")
                                  ? resumed.at("tokenizer.file")
                                  : tok_abs.filename().string();
    extra["tokenizer.sha256"] = trainer && resumed.count("tokenizer.sha256")
                                    ? resumed.at("tokenizer.sha256")
                                    : sha256_file(tokenizer_path);
    extra["data.corpus"] = fs::path(corpus).filename().string();
    extra["data.corpus_path"] = stored_path(corpus);
    extra["data.corpus_sha256"] = sha256_file(corpus);
    extra["data.valid_path"] = stored_path(valid);

    const bool fresh = a.resume.empty();
    std::printf("tiny_decoder train: %s, B=%zu T=%zu, AdamW lr %s, seed %llu, %s %zu\n",
                s.config.describe().c_str(), B, T, number_string(s.adamw.lr).c_str(),
                static_cast<unsigned long long>(s.seed),
                fresh ? "from step 1 to step" : "resuming to step", a.steps);
    if (!tokenizer_note.empty()) std::printf("%s\n", tokenizer_note.c_str());
    std::printf(
        "corpus %s: %zu sentences, %zu tokens, %zu windows; validation: %s\n", corpus.c_str(),
        train_data.sentences(), train_data.tokens(), train_data.windows(),
        valid.empty() ? "none" : (valid + ", " + std::to_string(valid_n) + " windows").c_str());
    std::fflush(stdout);

    BatchSampler sampler(train_data, B, s.seed, trainer->data_position());
    Progress progress(a.steps, isatty(STDERR_FILENO) != 0);
    std::vector<double> losses;
    std::vector<ValidPoint> valid_points;
    double last_valid = -1;
    std::vector<int> in, tg;
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t first = static_cast<std::size_t>(trainer->step_count()) + 1;
    for (std::size_t step = first; step <= a.steps; ++step) {
        sampler.next(in, tg);
        const double loss = trainer->step(in, tg, B, T);
        trainer->set_data_position(sampler.position());
        if (!std::isfinite(loss))
            throw Refusal("the loss became " + number_string(loss) + " at step " +
                          std::to_string(step));
        losses.push_back(loss);
        const bool eval = step % a.eval_every == 0 || step == a.steps;
        if (eval && valid_n > 0) {
            last_valid = trainer->evaluate(valid_in, valid_tg, valid_n, T);
            valid_points.push_back({step, last_valid});
        }
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double done = static_cast<double>(step - first + 1);
        progress.report(step, loss, last_valid, done * static_cast<double>(B * T) / elapsed,
                        elapsed / done * static_cast<double>(a.steps - step), eval);
        if (step % a.checkpoint_every == 0 || step == a.steps) {
            extra["train.loss"] = number_string(loss);
            extra["valid.loss"] = number_string(last_valid);
            fs::create_directories(out_dir);
            trainer->save(out, extra);
            if (step != a.steps)
                progress.message("checkpoint: " + out + " (step " + std::to_string(step) + ")");
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
    std::printf("checkpoint: %s\n", out.c_str());
    if (!a.no_plots)
        std::printf(
            "%s\n",
            plot_or_reason(out_dir, "loss_curve", loss_curve_script(losses, valid_points)).c_str());
    return 0;
}

// ---------------------------------------------------------------- generate

struct GenerateArgs {
    std::string checkpoint, prompt, tokenizer;
    std::size_t tokens = 24, top_k = 0;
    double temperature = 0;
    std::uint64_t seed = 1;
};

std::string generate_text(const LoadedModel& m, const GenerateArgs& a) {
    const TinyDecoder& model = m.trainer->model();
    if (!std::isfinite(a.temperature) || a.temperature < 0)
        throw Refusal("--temperature must be finite and >= 0 (0: greedy)");
    GenerateOptions options;
    options.tokens = a.tokens;
    options.temperature = a.temperature;
    options.top_k = a.top_k;
    options.seed = a.seed;
    const std::vector<int> prompt = prompt_ids(m.tokenizer, a.prompt, model.config().T_max);
    return m.tokenizer.decode(generate(model, prompt, m.tokenizer.eos_id(), options));
}

// ---------------------------------------------------------------- explain

struct ExplainArgs {
    std::string checkpoint, prompt = kDefaultPrompt, target, tokenizer, plots;
    bool json = false, no_plots = false;
    double sgd_lr = 0.01;  // ||h||^2 is ~200: a larger step jumps to p = 1 at once
    std::size_t sgd_steps = 5, top = 10;
};

std::string fixed(double v, int digits) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string sci(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.3e", v);
    return b;
}

// The indices of the n largest values (ties: lower index first).
std::vector<std::size_t> top_n(const std::vector<double>& v, std::size_t n, bool by_abs) {
    std::vector<std::size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    auto key = [&](std::size_t i) { return by_abs ? std::abs(v[i]) : v[i]; };
    std::stable_sort(idx.begin(), idx.end(),
                     [&](std::size_t i, std::size_t j) { return key(i) > key(j); });
    idx.resize(std::min(n, idx.size()));
    return idx;
}

int run_explain(const ExplainArgs& a) {
    const std::string checkpoint = a.checkpoint.empty() ? default_checkpoint() : a.checkpoint;
    const LoadedModel m = load_model(checkpoint, a.tokenizer);
    const Tokenizer& tok = m.tokenizer;
    const TinyDecoder& model = m.trainer->model();
    const std::vector<int> ids =
        last_pieces(prompt_ids(tok, a.prompt, model.config().T_max), model.config().T_max);
    // No target given: the notebook's for the notebook's prompt when this tokenizer has it as one
    // piece (one trained on one's own corpus may not), otherwise the model's own prediction.
    std::string target_text = a.target;
    if (target_text.empty() && a.prompt == kDefaultPrompt && is_one_piece(tok, kDefaultTarget))
        target_text = kDefaultTarget;
    if (!std::isfinite(a.sgd_lr) || a.sgd_lr < 0) throw Refusal("--sgd-lr must be finite and >= 0");
    const int target = target_text.empty() ? predicted_target : target_id(tok, target_text);
    const ExplainResult r = explain(model, ids, target, a.sgd_lr, a.sgd_steps);
    std::vector<std::string> pieces;
    for (int id : ids) pieces.push_back(tok.piece(id));
    const std::size_t V = r.z.size(), C = r.h.size();
    double h_norm = 0;
    for (double v : r.h) h_norm += v * v;
    h_norm = std::sqrt(h_norm);
    const std::string plot_dir = a.plots.empty() ? folder_of(checkpoint) : a.plots;

    if (a.json) {
        json j;
        j["checkpoint"] = checkpoint;
        j["prompt"] = a.prompt;
        j["ids"] = r.ids;
        j["pieces"] = pieces;
        j["h"] = r.h;
        j["h_norm"] = h_norm;
        j["logits"] = r.z;
        j["sum_exp_logits"] = r.sum_exp_z;
        j["probabilities"] = r.p;
        j["argmax"] = {
            {"id", r.argmax}, {"piece", tok.piece(r.argmax)}, {"text", tok.decode({r.argmax})}};
        j["target"] = {{"id", r.target}, {"piece", tok.piece(r.target)}};
        j["loss"] = r.loss;
        j["grad_logits"] = r.grad_z;
        j["grad_W_out"] = r.grad_W_out;
        j["max_diff"] = {{"grad_logits", r.max_diff_grad_z},
                         {"grad_W_out", r.max_diff_W_out},
                         {"grad_b_out", r.max_diff_b_out}};
        json sgd = json::array();
        for (const SgdPoint& p : r.sgd)
            sgd.push_back({{"step", p.step}, {"loss", p.loss}, {"p_target", p.p_target}});
        j["sgd"] = {{"lr", r.sgd_lr}, {"trajectory", sgd}};
        j["attention"] = r.attention;
        std::cout << j.dump() << "\n";
        return 0;
    }

    std::printf("checkpoint %s: %s, step %s, tokenizer %s\n\n", checkpoint.c_str(),
                model.config().describe().c_str(), m.metadata.at("optimizer.step").c_str(),
                m.metadata.at("tokenizer.file").c_str());
    std::printf("== Teil 1: prediction ==\n");
    std::printf("prompt \"%s\": %zu pieces\n", a.prompt.c_str(), ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        std::printf("  %2zu  id %3d  %s\n", i, ids[i], pieces[i].c_str());
    std::printf("\nh = hidden vector at the last position after ln_f, [%zu]:\n  [", C);
    for (std::size_t c = 0; c < std::min<std::size_t>(8, C); ++c)
        std::printf("%s%s", c ? ", " : "", fixed(r.h[c], 4).c_str());
    std::printf(", ...]   ||h|| = %s\n", fixed(h_norm, 4).c_str());
    std::printf(
        "\nz = W_out h + b_out over all %zu pieces; sum of e^z over the whole vocabulary = %s\n", V,
        sci(r.sum_exp_z).c_str());
    std::printf("  %-8s | %-16s | %10s | %12s | %10s\n", "Token-ID", "Token", "Logit z", "e^z",
                "Softmax p");
    std::printf("  ---------+------------------+------------+--------------+-----------\n");
    for (std::size_t v : top_n(r.p, a.top, false))
        std::printf("  %-8zu | %s | %10s | %12s | %10s\n", v,
                    text::pad(tok.piece(static_cast<int>(v)), 16).c_str(), fixed(r.z[v], 4).c_str(),
                    sci(r.exp_z[v]).c_str(), fixed(r.p[v], 6).c_str());
    std::printf("argmax p -> id %d -> piece %s -> text \"%s\"\n", r.argmax,
                tok.piece(r.argmax).c_str(), tok.decode({r.argmax}).c_str());

    std::printf("\n== Teil 2: loss and gradient (target %s, id %d%s) ==\n",
                tok.piece(r.target).c_str(), r.target,
                target_text.empty() ? ", the model's own prediction" : "");
    std::printf("y = one-hot of id %d;  p(target) = %s;  L = -log p(target) = %s\n", r.target,
                fixed(r.p[static_cast<std::size_t>(r.target)], 6).c_str(),
                fixed(r.loss, 6).c_str());
    std::printf("dL/dz = p - y, largest |entries|:\n");
    for (std::size_t v : top_n(r.grad_z, 6, true))
        std::printf("  id %3zu  %s  %+.6f\n", v,
                    text::pad(tok.piece(static_cast<int>(v)), 16).c_str(), r.grad_z[v]);
    std::printf(
        "dL/dW_out [%zu, %zu] from backward through the whole tape vs (p - y) h^T: max "
        "|difference| = %s\n",
        V, C, sci(r.max_diff_W_out).c_str());
    std::printf("dL/db_out [%zu] from the tape vs p - y: max |difference| = %s\n", V,
                sci(r.max_diff_b_out).c_str());
    const std::size_t t = static_cast<std::size_t>(r.target);
    std::printf("  e.g. dL/dW_out[%zu, 0..2] = %s, %s, %s  (tape)\n", t,
                fixed(r.grad_W_out[t][0], 6).c_str(), fixed(r.grad_W_out[t][1], 6).c_str(),
                fixed(r.grad_W_out[t][2], 6).c_str());
    std::printf("SGD on W_out alone (lr %s, h and b_out fixed): W_out <- W_out - lr (p - y) h^T\n",
                number_string(r.sgd_lr).c_str());
    std::printf("  %4s  %10s  %10s\n", "step", "L", "p(target)");
    for (const SgdPoint& p : r.sgd)
        std::printf("  %4zu  %10s  %10s\n", p.step, fixed(p.loss, 6).c_str(),
                    fixed(p.p_target, 6).c_str());

    std::printf("\n== Attention of the last position (%s) over the prompt ==\n",
                pieces.back().c_str());
    std::printf("  %-14s", "");
    for (const std::string& p : pieces) std::printf(" %s", text::pad(p, 12, true).c_str());
    std::printf("\n");
    for (std::size_t l = 0; l < r.attention.size(); ++l)
        for (std::size_t h = 0; h < r.attention[l].size(); ++h) {
            std::printf("  layer %zu head %zu", l, h);
            for (double w : r.attention[l][h]) std::printf(" %12s", fixed(w, 4).c_str());
            std::printf("\n");
        }
    if (!a.no_plots)
        std::printf(
            "%s\n",
            plot_or_reason(plot_dir, "attention", attention_script(pieces, r.attention)).c_str());
    return 0;
}

// ---------------------------------------------------------------- step

struct StepArgs {
    std::string checkpoint, batches, out, tokenizer;
    std::size_t steps = 0;
    bool json = false;
};

struct Batch {
    std::vector<int> inputs, targets;
    std::size_t B = 0, T = 0;
};

std::vector<Batch> read_batches(const std::string& path, std::size_t V, std::size_t T_max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Refusal(path + ": cannot open the batch file");
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw Refusal(path + ": not JSON: " + e.what());
    }
    if (!j.is_array() || j.empty())
        throw Refusal(path +
                      ": expected a non-empty list of batches, each a list of rows of "
                      "token ids ([[[1, 2, 3], [4, 5, 6]], ...])");
    std::vector<Batch> out;
    for (std::size_t b = 0; b < j.size(); ++b) {
        const std::string where = path + ": batch " + std::to_string(b);
        if (!j[b].is_array() || j[b].empty())
            throw Refusal(where + ": not a non-empty list of rows");
        Batch batch;
        std::size_t len = 0;
        for (std::size_t r = 0; r < j[b].size(); ++r) {
            const json& row = j[b][r];
            if (!row.is_array())
                throw Refusal(where + " row " + std::to_string(r) + ": not a list");
            if (r == 0) len = row.size();
            if (row.size() != len)
                throw Refusal(where + " row " + std::to_string(r) + ": " +
                              std::to_string(row.size()) + " ids, row 0 has " +
                              std::to_string(len) + " (ragged rows)");
            if (len < 2 || len > T_max + 1)
                throw Refusal(where + ": rows of " + std::to_string(len) +
                              " ids; need 2 to T_max + 1 = " + std::to_string(T_max + 1));
            for (std::size_t i = 0; i < len; ++i) {
                if (!row[i].is_number_integer() || row[i].get<long long>() < 0 ||
                    row[i].get<long long>() >= static_cast<long long>(V))
                    throw Refusal(where + " row " + std::to_string(r) + " position " +
                                  std::to_string(i) + ": " + row[i].dump() +
                                  " is not a token id in [0, " + std::to_string(V) + ")");
                const int id = row[i].get<int>();
                if (i + 1 < len) batch.inputs.push_back(id);
                if (i > 0) batch.targets.push_back(id);
            }
        }
        batch.B = j[b].size();
        batch.T = len - 1;
        out.push_back(std::move(batch));
    }
    return out;
}

int run_step(const StepArgs& a) {
    if (a.steps == 0) throw Refusal("--steps 0: nothing to do (give at least 1)");
    const std::string checkpoint = a.checkpoint.empty() ? default_checkpoint() : a.checkpoint;
    LoadedModel m = load_model(checkpoint, a.tokenizer, Trainer::Use::resume);
    const TinyDecoderConfig& cfg = m.trainer->model().config();
    const std::vector<Batch> batches = read_batches(a.batches, cfg.V, cfg.T_max);
    if (batches.size() < a.steps)
        throw Refusal(a.batches + ": " + std::to_string(batches.size()) + " batches for --steps " +
                      std::to_string(a.steps) + " (one batch per step)");
    std::vector<double> losses;
    for (std::size_t s = 0; s < a.steps; ++s) {
        const Batch& b = batches[s];
        losses.push_back(m.trainer->step(b.inputs, b.targets, b.B, b.T));
        if (!a.json)
            std::printf("step %ld: loss %s\n", m.trainer->step_count(),
                        number_string(losses.back()).c_str());
    }
    Metadata extra;
    for (const char* key : {"tokenizer.file", "tokenizer.sha256", "data.corpus", "data.corpus_path",
                            "data.corpus_sha256", "data.valid_path"})
        if (m.metadata.count(key)) extra[key] = m.metadata.at(key);
    extra["train.loss"] = number_string(losses.back());
    const std::string dir = folder_of(a.out);
    fs::create_directories(dir);
    m.trainer->save(a.out, extra);
    if (a.json) {
        json j;
        j["losses"] = losses;
        j["step"] = m.trainer->step_count();
        j["out"] = a.out;
        std::cout << j.dump() << "\n";
    } else {
        std::printf("checkpoint: %s\n", a.out.c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "tiny_decoder: a tiny German decoder trained here; explains \"Paris ist die Hauptstadt "
        "von\" -> \"Frankreich\" on its true numbers.\nWithout a subcommand: train the default "
        "model unless tiny_decoder_run/checkpoint.safetensors exists, then explain."};
    app.require_subcommand(0, 1);

    TrainArgs train_args;
    CLI::App* train = app.add_subcommand("train", "Train the decoder (AdamW, checkpoints, plots)");
    add_train_options(*train, train_args);

    GenerateArgs gen;
    CLI::App* generate = app.add_subcommand("generate", "Continue a prompt (greedy by default)");
    generate
        ->add_option("--checkpoint", gen.checkpoint,
                     "Default tiny_decoder_run/checkpoint.safetensors")
        ->type_name("FILE");
    generate->add_option("--prompt", gen.prompt, "Text to continue")->required();
    generate->add_option("--tokens", gen.tokens, "At most N new pieces")->capture_default_str();
    generate->add_option("--temperature", gen.temperature, "0: greedy (argmax); > 0: sample")
        ->capture_default_str();
    generate->add_option("--top-k", gen.top_k, "Sample among the K most likely (0: all)")
        ->capture_default_str();
    generate->add_option("--seed", gen.seed, "Seed of the sampling")->capture_default_str();
    generate->add_option("--tokenizer", gen.tokenizer, "SentencePiece model (checked by SHA-256)")
        ->type_name("FILE");

    ExplainArgs ex;
    CLI::App* explain_cmd = app.add_subcommand("explain", "Teil 1 and Teil 2 on the true numbers");
    explain_cmd
        ->add_option("--checkpoint", ex.checkpoint,
                     "Default tiny_decoder_run/checkpoint.safetensors")
        ->type_name("FILE");
    explain_cmd->add_option("--prompt", ex.prompt, "The context")->capture_default_str();
    explain_cmd->add_option("--target", ex.target,
                            "The expected next word, one piece (default Frankreich for the "
                            "default prompt, else the model's own prediction)");
    explain_cmd->add_flag("--json", ex.json, "One JSON document on stdout");
    explain_cmd->add_option("--sgd-lr", ex.sgd_lr, "Learning rate of the SGD steps on W_out")
        ->capture_default_str();
    explain_cmd->add_option("--sgd-steps", ex.sgd_steps, "SGD steps on W_out")
        ->capture_default_str();
    explain_cmd->add_option("--top", ex.top, "Rows of the Teil 1 table")->capture_default_str();
    explain_cmd
        ->add_option("--plots", ex.plots, "Folder for attention.png (default: the checkpoint's)")
        ->type_name("DIR");
    explain_cmd->add_flag("--no-plots", ex.no_plots, "Do not draw the heatmap");
    explain_cmd->add_option("--tokenizer", ex.tokenizer, "SentencePiece model (checked by SHA-256)")
        ->type_name("FILE");

    StepArgs st;
    CLI::App* step =
        app.add_subcommand("step", "Exactly N AdamW steps on the batches in a JSON file");
    step->add_option("--checkpoint", st.checkpoint,
                     "Default tiny_decoder_run/checkpoint.safetensors")
        ->type_name("FILE");
    step->add_option("--batches", st.batches,
                     "JSON: a list of batches, each a list of rows of T + 1 token ids (inputs: "
                     "the first T, targets: the last T)")
        ->required()
        ->type_name("FILE");
    step->add_option("--steps", st.steps, "N")->required();
    step->add_option("--out", st.out, "Checkpoint to write")->required()->type_name("FILE");
    step->add_flag("--json", st.json, "Print {\"losses\": [...]} as JSON");
    step->add_option("--tokenizer", st.tokenizer, "SentencePiece model (checked by SHA-256)")
        ->type_name("FILE");

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
        if (*generate) {
            const std::string ckpt = gen.checkpoint.empty() ? default_checkpoint() : gen.checkpoint;
            const LoadedModel m = load_model(ckpt, gen.tokenizer);
            std::printf("%s\n", generate_text(m, gen).c_str());
            return 0;
        }
        if (*explain_cmd) return run_explain(ex);
        if (*step) return run_step(st);
        // No subcommand: the whole story in one command.
        if (fs::exists(default_checkpoint())) {
            std::printf("using %s (delete it to train again)\n\n", default_checkpoint().c_str());
        } else {
            CLI::App defaults;
            const int rc = run_train(TrainArgs{}, defaults);
            if (rc != 0) return rc;
            std::printf("\n");
        }
        return run_explain(ExplainArgs{});
    } catch (const std::exception& e) {
        std::cerr << "tiny_decoder: " << one_line(e.what()) << "\n";
        return 2;
    }
}
