// The tiny decoder's whole training step, against the GEMM limit of its matrix products.
//
//   decoder_step [--V 512] [--C 64] [--L 2] [--H 4] [--T 32] [--B 16] [--threads 1]
//                [--mode tapegrad|limit] [--min-seconds 1] [--steps N] [--profile]
//
//   --mode tapegrad  Trainer::step (examples/tiny_decoder/lib/trainer.hpp), exactly what
//                    `tiny_decoder train` runs: rewind the tape, forward and loss over B
//                    sequences of T tokens, backward, clip_grad_norm, AdamW step, zero_grad.
//   --mode limit     every matrix product of that step as one raw cblas_dgemm call each, on
//                    buffers of the same shapes: per block the qkv, proj, fc1 and fc2 linears
//                    over B T rows and, per sequence and head, q k^T and p v; then W_out. Each
//                    forward product C = A B also has its two backward products dA = dC B^T
//                    and dB = A^T dC. Nothing else (no softmax, LayerNorm, GELU, optimizer).
//   --profile        the tapegrad step with an OpProfile on the trainer's tape: prints where
//                    the time goes, op by op (engine/inspect/op_profile.hpp), instead of JSON.
//
// Prints one JSON line: {"mode", "ms_per_step", "steps", "tokens_per_s", "peak_rss_mib",
// "rss_growth_mib", "blas_threads"}. peak_rss_mib is VmHWM at the end minus VmRSS when main()
// started, so each configuration runs in its own process (bench/compare_decoder does that);
// rss_growth_mib (with --steps N; 0 otherwise) is VmRSS after the last step minus VmRSS after
// step N/2 of the timed steps: 0 when memory stays flat from step to step.
// Timing: 3 untimed steps (the first allocates the tape's buffers), then steps until
// --min-seconds have passed and at least 3 were timed, or exactly --steps N.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/blas_limit.hpp"
#include "bench/proc_status.hpp"
#include "engine/inspect/op_profile.hpp"
#include "examples/tiny_decoder/lib/trainer.hpp"

namespace {

using tapegrad::bench::proc_status_bytes;
using Clock = std::chrono::steady_clock;
constexpr double mib = 1024.0 * 1024.0;

struct Options {
    tapegrad::TinyDecoderConfig config;
    std::size_t T = 32, B = 16;
    int threads = 1;
    std::string mode = "tapegrad";
    double min_seconds = 1.0;
    long steps = 0;  // 0: as many as min_seconds takes
    bool profile = false;
};

/// One forward matrix product C [m, n] = A [m, k] B [k, n], `count` times (per sequence and
/// head for attention's).
struct Product {
    std::size_t m, k, n, count;
};

/// The matrix products of one training step of the tiny decoder, forward only.
std::vector<Product> step_products(const Options& o) {
    const std::size_t C = o.config.C, D = C / o.config.H, rows = o.B * o.T;
    const std::size_t heads = o.B * o.config.H;
    std::vector<Product> all;
    for (std::size_t layer = 0; layer < o.config.L; ++layer) {
        all.push_back({rows, C, 3 * C, 1});   // qkv = ln1(x) attn.qkv^T
        all.push_back({o.T, D, o.T, heads});  // scores = q k^T, per sequence and head
        all.push_back({o.T, o.T, D, heads});  // y = p v
        all.push_back({rows, C, C, 1});       // attn.proj
        all.push_back({rows, C, 4 * C, 1});   // mlp.fc1
        all.push_back({rows, 4 * C, C, 1});   // mlp.fc2
    }
    all.push_back({rows, C, o.config.V, 1});  // z = h W_out^T
    return all;
}

/// The limit: forward and both backward products of every product, raw cblas_dgemm calls.
class GemmLimit {
public:
    explicit GemmLimit(const Options& o) : products_(step_products(o)) {
        std::size_t a = 0, b = 0, c = 0;
        for (const Product& p : products_) {
            a = std::max(a, p.m * p.k);
            b = std::max(b, p.k * p.n);
            c = std::max(c, p.m * p.n);
        }
        std::mt19937_64 gen(3);
        std::uniform_real_distribution<double> dist(-1.0, 1.0);
        for (std::vector<double>* v : {&A_, &dA_}) v->resize(a);
        for (std::vector<double>* v : {&B_, &dB_}) v->resize(b);
        for (std::vector<double>* v : {&C_, &dC_}) v->resize(c);
        for (std::vector<double>* v : {&A_, &B_, &dC_})
            for (double& x : *v) x = dist(gen);
    }
    void step() {
        using tapegrad::bench::gemm;
        for (const Product& p : products_) {
            for (std::size_t i = 0; i < p.count; ++i) {
                gemm(false, false, p.m, p.n, p.k, A_.data(), B_.data(), C_.data());   // C = A B
                gemm(false, true, p.m, p.k, p.n, dC_.data(), B_.data(), dA_.data());  // dA = dC B^T
                gemm(true, false, p.k, p.n, p.m, A_.data(), dC_.data(), dB_.data());  // dB = A^T dC
            }
        }
    }

private:
    std::vector<Product> products_;
    std::vector<double> A_, B_, C_, dA_, dB_, dC_;
};

/// B T random token ids in [0, V): the inputs, and the targets (the same stream shifted by one,
/// as the trainer's windows are).
void random_batch(const Options& o, std::vector<int>& inputs, std::vector<int>& targets) {
    std::mt19937_64 gen(7);
    std::uniform_int_distribution<int> id(0, static_cast<int>(o.config.V) - 1);
    std::vector<int> stream(o.B * o.T + 1);
    for (int& t : stream) t = id(gen);
    inputs.assign(stream.begin(), stream.end() - 1);
    targets.assign(stream.begin() + 1, stream.end());
}

double seconds_since(Clock::time_point start) {
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    return elapsed.count();
}

template <class Step>
int measure(const Options& o, double baseline_rss, Step&& step) {
    for (int i = 0; i < 3; ++i) step();
    long done = 0;
    double rss_halfway = proc_status_bytes("VmRSS");
    const Clock::time_point start = Clock::now();
    if (o.steps > 0) {
        for (; done < o.steps; ++done) {
            step();
            if (done + 1 == o.steps / 2) rss_halfway = proc_status_bytes("VmRSS");
        }
    } else {
        while (done < 3 || seconds_since(start) < o.min_seconds) {
            step();
            ++done;
        }
    }
    const double seconds = seconds_since(start);
    const double rss_after = proc_status_bytes("VmRSS");
    std::printf(
        "{\"mode\": \"%s\", \"ms_per_step\": %.6g, \"steps\": %ld, \"tokens_per_s\": %.6g, "
        "\"peak_rss_mib\": %.4g, \"rss_growth_mib\": %.4g, \"blas_threads\": %d}\n",
        o.mode.c_str(), 1e3 * seconds / done, done, static_cast<double>(o.B * o.T) * done / seconds,
        (proc_status_bytes("VmHWM") - baseline_rss) / mib,
        o.steps > 0 ? (rss_after - rss_halfway) / mib : 0.0, tapegrad::bench::blas_threads());
    return 0;
}

int run(const Options& o, double baseline_rss) {
    tapegrad::bench::set_threads(o.threads);
    if (o.mode == "limit") {
        GemmLimit limit(o);
        return measure(o, baseline_rss, [&] { limit.step(); });
    }
    tapegrad::TrainSettings settings;
    settings.config = o.config;
    settings.batch = o.B;
    settings.seq_len = o.T;
    tapegrad::Trainer trainer(settings);
    std::vector<int> inputs, targets;
    random_batch(o, inputs, targets);
    auto step = [&] { trainer.step(inputs, targets, o.B, o.T); };
    if (!o.profile) return measure(o, baseline_rss, step);

    for (int i = 0; i < 3; ++i) step();
    tapegrad::OpProfile profile;
    trainer.add_hooks(profile);
    const long steps = o.steps > 0 ? o.steps : 20;
    const Clock::time_point start = Clock::now();
    for (long i = 0; i < steps; ++i) step();
    const double seconds = seconds_since(start);
    trainer.remove_hooks(profile);
    std::printf(
        "decoder step %s, B=%zu T=%zu, %d thread(s): %.3f ms per step over %ld "
        "steps\n%s",
        o.config.describe().c_str(), o.B, o.T, o.threads, 1e3 * seconds / steps, steps,
        profile.report(static_cast<std::size_t>(steps), seconds).c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const double baseline_rss = proc_status_bytes("VmRSS");
    Options o;
    CLI::App app{"decoder_step: the tiny decoder's training step, or its GEMM limit"};
    app.add_option("--V", o.config.V, "Vocabulary size")->check(CLI::PositiveNumber);
    app.add_option("--C", o.config.C, "Channels")->check(CLI::PositiveNumber);
    app.add_option("--L", o.config.L, "Blocks")->check(CLI::PositiveNumber);
    app.add_option("--H", o.config.H, "Heads (divides C)")->check(CLI::PositiveNumber);
    app.add_option("--T", o.T, "Tokens per sequence (also T_max)")->check(CLI::PositiveNumber);
    app.add_option("--B", o.B, "Sequences per step")->check(CLI::PositiveNumber);
    app.add_option("--threads", o.threads, "Threads (the engine's parallel loops and BLAS)")
        ->check(CLI::PositiveNumber);
    app.add_option("--mode", o.mode, "tapegrad or limit")
        ->check(CLI::IsMember({"tapegrad", "limit"}));
    app.add_option("--min-seconds", o.min_seconds, "Seconds of timed steps at least");
    app.add_option("--steps", o.steps, "Exactly N timed steps (e.g. 1000 to see memory stay flat)");
    app.add_flag("--profile", o.profile, "Time every op of the tapegrad step and print the table");
    try {
        app.parse(argc, argv);
        o.config.T_max = o.T;
        o.config.check();
        return run(o, baseline_rss);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "decoder_step: %s\n", e.what());
        return 2;
    }
}
