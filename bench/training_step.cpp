// One training step of the decoder's output layer at decoder scale, against the BLAS limit.
//
//   tapegrad/B:../d:../V:../threads:../x_grad:..
//       rewind the tape, z = x W^T (Linear), L = softmax cross-entropy (SoftmaxCrossEntropy),
//       tape.backward(loss); sgd.step(); sgd.zero_grad(): the whole step as a training loop
//       runs it. x_grad:1 also computes dL/dx (x requires a gradient).
//   tapegrad_lce/B:../d:../V:../threads:..
//       the same step with a bias through the fused op LinearCrossEntropy
//       (ops/linear_cross_entropy.hpp: row chunks, one chunk of logits alive), then the SGD
//       step as above.
//   limit/B:../d:../V:../threads:..
//       the three raw cblas_dgemm calls of the step on the same shapes (blas_limit.cpp).
//
// Counters (tapegrad benchmarks), read from /proc/self/status:
//   peak_rss_mib      VmHWM at the end minus VmRSS when main() started (the process's
//                     baseline): meaningful when the benchmark runs alone in its process
//                     (bench/compare runs each configuration with its own --benchmark_filter)
//   rss_growth_mib    VmRSS after the last step minus VmRSS halfway through the timed steps:
//                     0 when memory stays flat from step to step (the first steps allocate
//                     the tape's buffers and may touch a few pages late, so they are not the
//                     reference)
//   budget_mib        1.2 x (W + dW + x + dx + 2 B V) doubles, the memory target
//                     (tapegrad_lce: 1.2 x (W + dW + x + dx) + 64 MiB, no B x V term)
//
// Extra flags (before Google Benchmark's own): --steps=N runs every benchmark for exactly N
// iterations instead of Google Benchmark's automatic count (e.g. --steps=1000 to check that
// memory stays flat); --sizes=B:d:V,B:d:V,... registers these sizes instead of the built-in
// list (any sizes: bench/compare --sizes passes them on); --chunk-bytes=N sets the fused op's
// memory budget for its chunk of logits (default LinearCrossEntropy::default_chunk_bytes).
//
// Warm-up: 10 untimed steps, or fewer when they take more than a second in all (at
// (8192, 768, 32000) one step takes seconds; the first step allocates everything there is).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/blas_limit.hpp"
#include "bench/proc_status.hpp"
#include "engine/core/tape.hpp"
#include "engine/optim/sgd.hpp"
#include "ops/linear.hpp"
#include "ops/linear_cross_entropy.hpp"
#include "ops/softmax_cross_entropy.hpp"

namespace {

using tapegrad::Array;
using tapegrad::Tensor;
using tapegrad::bench::proc_status_bytes;

constexpr double mib = 1024.0 * 1024.0;
constexpr double lr = 0.1;
constexpr int warm_up_steps = 10;
constexpr double warm_up_seconds = 1.0;
double baseline_rss = 0.0;  // VmRSS when main() started
// The fused op's memory budget for its chunk of logits (--chunk-bytes=N, for experiments).
std::size_t chunk_bytes = tapegrad::LinearCrossEntropy::default_chunk_bytes;

Array uniform(const tapegrad::Shape& shape, double scale, unsigned seed) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> dist(-scale, scale);
    Array a(shape);
    for (double& v : a) v = dist(gen);
    return a;
}

std::vector<std::size_t> random_targets(std::size_t B, std::size_t V) {
    std::mt19937_64 gen(7);
    std::uniform_int_distribution<std::size_t> dist(0, V - 1);
    std::vector<std::size_t> t(B);
    for (std::size_t& v : t) v = dist(gen);
    return t;
}

// At most warm_up_steps untimed steps, stopping after warm_up_seconds (at least one step).
template <class Step>
void warm_up(Step&& step) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < warm_up_steps; ++i) {
        step();
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        if (elapsed.count() > warm_up_seconds) break;
    }
}

// The counters every tapegrad benchmark reports; budget in MiB.
template <class Step>
void timed_steps(benchmark::State& state, Step&& step, double budget_mib) {
    // The first step allocates the tape's buffers; every later one reuses them.
    warm_up(step);
    const benchmark::IterationCount halfway = state.max_iterations / 2;
    benchmark::IterationCount done = 0;
    double rss_halfway = proc_status_bytes("VmRSS");
    for (auto _ : state) {
        step();
        if (++done == halfway) rss_halfway = proc_status_bytes("VmRSS");
    }
    const double rss_after_last = proc_status_bytes("VmRSS");
    state.counters["peak_rss_mib"] = (proc_status_bytes("VmHWM") - baseline_rss) / mib;
    state.counters["rss_growth_mib"] = (rss_after_last - rss_halfway) / mib;
    state.counters["budget_mib"] = budget_mib;
    state.counters["blas_threads"] = tapegrad::bench::blas_threads();
}

struct Size {
    std::size_t B, d, V;
};
Size size_of(const benchmark::State& state) {
    return {static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)),
            static_cast<std::size_t>(state.range(2))};
}

void tapegrad_step(benchmark::State& state) {
    const Size s = size_of(state);
    tapegrad::bench::set_threads(static_cast<int>(state.range(3)));
    const bool x_grad = state.range(4) != 0;

    Tensor x(uniform({s.B, s.d}, 1.0, 1), x_grad, "x");               // [B, d]
    Tensor W = Tensor::parameter(uniform({s.V, s.d}, 0.05, 2), "W");  // [V, d]
    const std::vector<std::size_t> targets = random_targets(s.B, s.V);
    tapegrad::Tape tape;
    tapegrad::SGD sgd({W}, lr);
    auto step = [&] {
        tape.rewind();
        Tensor z = tapegrad::linear(tape, x, W);  // [B, V]
        Tensor loss = tapegrad::softmax_cross_entropy(tape, z, targets);
        tape.backward(loss);
        sgd.step();
        sgd.zero_grad();
        if (x_grad) x.zero_grad();
        benchmark::DoNotOptimize(W.value().data());
    };
    const double doubles = 2.0 * s.V * s.d + 2.0 * s.B * s.d + 2.0 * s.B * s.V;
    timed_steps(state, step, 1.2 * doubles * sizeof(double) / mib);
}

// The fused output layer: L = LinearCrossEntropy(x, W, b, targets), then the SGD step on W and
// b; x.grad when x_grad.
void lce_step(benchmark::State& state) {
    const Size s = size_of(state);
    tapegrad::bench::set_threads(static_cast<int>(state.range(3)));
    const bool x_grad = state.range(4) != 0;

    Tensor x(uniform({s.B, s.d}, 1.0, 1), x_grad, "x");               // [B, d]
    Tensor W = Tensor::parameter(uniform({s.V, s.d}, 0.05, 2), "W");  // [V, d]
    Tensor b = Tensor::parameter(uniform({s.V}, 0.05, 3), "b");       // [V]
    const std::vector<std::size_t> targets = random_targets(s.B, s.V);
    tapegrad::Tape tape;
    tapegrad::SGD sgd({W, b}, lr);
    auto step = [&] {
        tape.rewind();
        Tensor loss = tapegrad::linear_cross_entropy(tape, x, W, b, targets,
                                                     tapegrad::default_ignore_index, chunk_bytes);
        tape.backward(loss);
        sgd.step();
        sgd.zero_grad();
        if (x_grad) x.zero_grad();
        benchmark::DoNotOptimize(W.value().data());
    };
    const double doubles = 2.0 * s.V * s.d + 2.0 * s.B * s.d;  // W, dW, x, dx
    timed_steps(state, step, 1.2 * doubles * sizeof(double) / mib + 64.0);
}

void limit(benchmark::State& state) {
    const Size s = size_of(state);
    tapegrad::bench::set_threads(static_cast<int>(state.range(3)));
    const Array X = uniform({s.B, s.d}, 1.0, 1);   // [B, d]
    const Array W = uniform({s.V, s.d}, 0.05, 2);  // [V, d]
    const Array G = uniform({s.B, s.V}, 1.0, 3);   // [B, V]
    Array Z = xt::zeros<double>({s.B, s.V});       // [B, V]
    Array dW = xt::zeros<double>({s.V, s.d});      // [V, d]
    Array dX = xt::zeros<double>({s.B, s.d});      // [B, d]
    for (auto _ : state) {
        tapegrad::bench::three_gemms(s.B, s.d, s.V, X.data(), W.data(), Z.data(), G.data(),
                                     dW.data(), dX.data());
        benchmark::DoNotOptimize(dW.data());
    }
    state.counters["blas_threads"] = tapegrad::bench::blas_threads();
}

const std::vector<Size> built_in_sizes = {
    {1, 2, 3}, {8, 256, 8192}, {64, 512, 32000}, {256, 768, 32000}};

// "B:d:V,B:d:V,...": throws std::invalid_argument naming the text when it is not that.
std::vector<Size> parse_sizes(const std::string& text) {
    std::vector<Size> sizes;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(',', pos), text.size());
        const std::string item = text.substr(pos, end - pos);
        unsigned long long B = 0, d = 0, V = 0;
        char extra = 0;
        if (item.empty() || item[0] == '-' ||
            std::sscanf(item.c_str(), "%llu:%llu:%llu%c", &B, &d, &V, &extra) != 3 || B == 0 ||
            d == 0 || V == 0)
            throw std::invalid_argument(
                "training_step: --sizes wants B:d:V,... (positive "
                "integers); got '" +
                text + "'");
        sizes.push_back({static_cast<std::size_t>(B), static_cast<std::size_t>(d),
                         static_cast<std::size_t>(V)});
        pos = end + 1;
    }
    return sizes;
}

void register_all(long steps, const std::vector<Size>& sizes) {
    auto configure = [steps](benchmark::internal::Benchmark* b) {
        b->Unit(benchmark::kMicrosecond)->UseRealTime();
        if (steps > 0) b->Iterations(steps);
    };
    for (const Size& s : sizes) {
        for (long threads : {1, 2}) {
            const long B = static_cast<long>(s.B), d = static_cast<long>(s.d),
                       V = static_cast<long>(s.V);
            for (long x_grad : {1, 0}) {
                auto* b = benchmark::RegisterBenchmark("tapegrad", tapegrad_step);
                b->Args({B, d, V, threads, x_grad})->ArgNames({"B", "d", "V", "threads", "x_grad"});
                configure(b);
            }
            for (long x_grad : {1, 0}) {
                auto* lce = benchmark::RegisterBenchmark("tapegrad_lce", lce_step);
                lce->Args({B, d, V, threads, x_grad})
                    ->ArgNames({"B", "d", "V", "threads", "x_grad"});
                configure(lce);
            }
            auto* l = benchmark::RegisterBenchmark("limit", limit);
            l->Args({B, d, V, threads})->ArgNames({"B", "d", "V", "threads"});
            configure(l);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    baseline_rss = proc_status_bytes("VmRSS");
    long steps = 0;
    std::vector<Size> sizes = built_in_sizes;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--steps=", 0) == 0) {
            steps = std::atol(arg.c_str() + 8);
        } else if (arg.rfind("--chunk-bytes=", 0) == 0) {
            chunk_bytes = static_cast<std::size_t>(std::atoll(arg.c_str() + 14));
        } else if (arg.rfind("--sizes=", 0) == 0) {
            try {
                sizes = parse_sizes(arg.substr(8));
            } catch (const std::invalid_argument& e) {
                std::fprintf(stderr, "%s\n", e.what());
                return 2;
            }
        } else {
            args.push_back(argv[i]);
        }
    }
    int count = static_cast<int>(args.size());
    register_all(steps, sizes);
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
