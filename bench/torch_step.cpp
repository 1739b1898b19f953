// The same training step in PyTorch's C++ API (libtorch), for bench/compare:
//     z = x W^T,  L = cross_entropy(z, targets),  L.backward(),  SGD step (torch::optim::SGD)
// float64, x optionally requiring a gradient. Usage:
//     torch_step B d V threads x_grad min_seconds
// prints one JSON line: {"ms_per_step": .., "steps": .., "peak_rss_mib": ..}.
// Threads: at::set_num_threads for PyTorch's own pool and openblas_set_num_threads (looked up
// at run time: libtorch reaches OpenBLAS through libblas.so.3) for the GEMMs.

#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "bench/proc_status.hpp"

namespace {

double proc_status_mib(const std::string& field) {
    return tapegrad::bench::proc_status_bytes(field) / (1024.0 * 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 7) {
        std::fprintf(stderr, "usage: torch_step B d V threads x_grad min_seconds\n");
        return 2;
    }
    const long B = std::atol(argv[1]), d = std::atol(argv[2]), V = std::atol(argv[3]);
    const int threads = std::atoi(argv[4]);
    const bool x_grad = std::atoi(argv[5]) != 0;
    const double min_seconds = std::atof(argv[6]);

    at::set_num_threads(threads);
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(threads);
    const double baseline = proc_status_mib("VmRSS");

    torch::manual_seed(1);
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor x = torch::rand({B, d}, f64).mul_(2).sub_(1).requires_grad_(x_grad);
    torch::Tensor W = torch::rand({V, d}, f64).mul_(0.1).sub_(0.05).requires_grad_(true);
    torch::Tensor targets = torch::randint(V, {B}, torch::TensorOptions().dtype(torch::kLong));
    torch::optim::SGD sgd({W}, torch::optim::SGDOptions(0.1));

    auto step = [&] {
        sgd.zero_grad();
        if (x_grad && x.grad().defined()) x.grad().zero_();
        torch::Tensor z = torch::matmul(x, W.t());
        torch::Tensor loss = torch::nn::functional::cross_entropy(z, targets);
        loss.backward();
        sgd.step();
    };
    for (int i = 0; i < 3; ++i) step();  // warm up
    long steps = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0.0;
    while (elapsed < min_seconds || steps < 3) {
        step();
        ++steps;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    std::printf("{\"ms_per_step\": %.6f, \"steps\": %ld, \"peak_rss_mib\": %.1f}\n",
                1e3 * elapsed / static_cast<double>(steps), steps,
                proc_status_mib("VmHWM") - baseline);
    return 0;
}
