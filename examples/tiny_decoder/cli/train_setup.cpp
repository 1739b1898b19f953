#include "examples/tiny_decoder/cli/train_setup.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "engine/core/number_string.hpp"
#include "examples/tiny_decoder/cli/command.hpp"
#include "examples/tiny_decoder/lib/data_paths.hpp"
#include "examples/tiny_decoder/lib/loaded_model.hpp"
#include "examples/tiny_decoder/lib/sha256.hpp"

namespace fs = std::filesystem;

namespace tapegrad::cli {

namespace {

constexpr std::size_t kValidWindows = 64;  // validation loss over this many held-out windows

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

}  // namespace

TrainRun prepare_training(const TrainArgs& a, const CLI::App& cmd) {
    if (a.steps == 0) throw Refusal("--steps 0: nothing to train (give at least 1)");
    if (!std::isfinite(a.lr) || a.lr < 0)
        throw Refusal("--lr " + number_string(a.lr) +
                      ": the learning rate must be finite and >= 0");
    if (a.eval_every == 0 || a.checkpoint_every == 0)
        throw Refusal("--eval-every and --checkpoint-every must be at least 1");
    TrainRun run;
    const std::string data = default_data_dir();
    run.out = a.out.empty() ? default_checkpoint() : a.out;
    run.out_dir = folder_of(run.out);

    std::unique_ptr<Trainer>& trainer = run.trainer;
    const bool resuming = !a.resume.empty();
    Metadata resumed;  // the checkpoint's metadata when resuming, else empty
    if (resuming) {
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
    std::string& corpus = run.corpus;
    std::string& valid = run.valid;
    corpus = a.corpus.empty() ? data + "/train.txt" : a.corpus;
    valid = a.valid.empty() && a.corpus.empty() ? data + "/valid.txt" : a.valid;
    std::string tokenizer_path = a.tokenizer.empty() ? data + "/tokenizer.model" : a.tokenizer;
    if (resuming) {
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
    const std::string& out_dir = run.out_dir;
    Tokenizer tok = [&]() {
        if (resuming) return tokenizer_for(resumed, a.resume, "");
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
            run.tokenizer_note = "trained tokenizer " + tokenizer_path + " (" +
                                 std::to_string(a.vocab_size) + " pieces) on " + corpus;
        }
        return Tokenizer::load(tokenizer_path);
    }();
    if (resuming) tokenizer_path = resumed.at("tokenizer.file");

    if (!resuming) {
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
    const std::size_t T = trainer->settings().seq_len;
    run.train_data = std::make_unique<TokenCorpus>(TokenCorpus::from_file(corpus, tok, T));
    if (!valid.empty()) {
        const TokenCorpus valid_data = TokenCorpus::from_file(valid, tok, T);
        run.valid_n = std::min(kValidWindows, valid_data.windows());
        for (std::size_t w = 0; w < run.valid_n; ++w)
            valid_data.window(w, run.valid_in, run.valid_tg);
    }

    // Everything the checkpoint names besides the trainer's own fields.
    Metadata& extra = run.provenance;
    const fs::path tok_abs = fs::absolute(tokenizer_path);
    extra["tokenizer.file"] = resumed.count("tokenizer.file") ? resumed.at("tokenizer.file")
                                                              : tok_abs.filename().string();
    extra["tokenizer.sha256"] = resumed.count("tokenizer.sha256") ? resumed.at("tokenizer.sha256")
                                                                  : sha256_file(tokenizer_path);
    extra["data.corpus"] = fs::path(corpus).filename().string();
    extra["data.corpus_path"] = stored_path(corpus);
    extra["data.corpus_sha256"] = sha256_file(corpus);
    extra["data.valid_path"] = stored_path(valid);
    return run;
}

void print_run_header(const TrainArgs& a, const TrainRun& run) {
    const TrainSettings& s = run.trainer->settings();
    const TokenCorpus& train_data = *run.train_data;
    std::printf("tiny_decoder train: %s, B=%zu T=%zu, AdamW lr %s, seed %llu, %s %zu\n",
                s.config.describe().c_str(), s.batch, s.seq_len, number_string(s.adamw.lr).c_str(),
                static_cast<unsigned long long>(s.seed),
                a.resume.empty() ? "from step 1 to step" : "resuming to step", a.steps);
    if (!run.tokenizer_note.empty()) std::printf("%s\n", run.tokenizer_note.c_str());
    std::printf(
        "corpus %s: %zu sentences, %zu tokens, %zu windows; validation: %s\n", run.corpus.c_str(),
        train_data.sentences(), train_data.tokens(), train_data.windows(),
        run.valid.empty() ? "none"
                          : (run.valid + ", " + std::to_string(run.valid_n) + " windows").c_str());
    std::fflush(stdout);
}

}  // namespace tapegrad::cli
