// Save and load time of a safetensors checkpoint (engine/io/safetensors), against the raw
// system calls on the same bytes.
//
//     checkpoint_io [--mib N] [--repeats R] [--dir DIR]       (defaults: 100 MiB, 5, ".")
//
// The checkpoint is 4 tensors of N/4 MiB of float64 each. Each line reports the median and
// the fastest of R runs and the median throughput:
//   save_checkpoint       the atomic save: temp file, write, fsync, rename, fsync of the folder
//   raw write + fsync     one write() of the same bytes into a file and its fsync (the limit)
//   load_checkpoint       read + check into the model's existing tensors (temporaries, copy)
//   load_safetensors      read + check into fresh arrays (what load_checkpoint reads first)
//   read file + parse     the file pread into a std::string, then parse_safetensors (two
//                         copies of the data in memory: why load_safetensors reads straight
//                         into the arrays instead)
//   raw pread             pread() of the whole file into an allocated, untouched buffer
// Loads read from the page cache (the file was just written); the save includes the fsync to
// disk.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/safetensors.hpp"

using namespace tapegrad;

namespace {

void report(const char* what, std::vector<double> seconds, double mib) {
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    std::printf("%-20s median %8.1f ms  fastest %8.1f ms  %7.0f MiB/s\n", what, 1e3 * median,
                1e3 * seconds.front(), mib / median);
}

std::vector<double> time_runs(int repeats, const std::function<void()>& run) {
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        run();
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return seconds;
}

}  // namespace

int main(int argc, char** argv) {
    double mib = 100;
    int repeats = 5;
    std::string dir = ".";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--mib")
            mib = std::atof(argv[i + 1]);
        else if (flag == "--repeats")
            repeats = std::atoi(argv[i + 1]);
        else if (flag == "--dir")
            dir = argv[i + 1];
        else {
            std::fprintf(stderr, "checkpoint_io: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    const std::size_t per_tensor =
        static_cast<std::size_t>(mib * (1 << 20) / 4 / sizeof(double));  // elements
    NamedTensors model;
    for (int k = 0; k < 4; ++k) {
        Array a = xt::ones<double>({per_tensor}) * (k + 0.5);  // [per_tensor]
        model.push_back({"layers." + std::to_string(k) + ".weight", Tensor::parameter(a, "w")});
    }
    const double total_mib = 4.0 * per_tensor * sizeof(double) / (1 << 20);
    const std::string path = dir + "/checkpoint_io.safetensors";
    const std::string raw = dir + "/checkpoint_io.raw";
    std::printf("checkpoint: 4 tensors, %.1f MiB of float64, in %s, %d runs each\n", total_mib,
                dir.c_str(), repeats);

    report("save_checkpoint", time_runs(repeats, [&] { save_checkpoint(path, model, {}); }),
           total_mib);
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    report("raw write + fsync",
           time_runs(repeats,
                     [&] {
                         const int fd = ::open(raw.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
                         if (fd < 0 ||
                             ::write(fd, bytes.data(), bytes.size()) !=
                                 static_cast<ssize_t>(bytes.size()) ||
                             ::fsync(fd) != 0 || ::close(fd) != 0) {
                             std::perror("raw write");
                             std::exit(1);
                         }
                     }),
           total_mib);
    ::unlink(raw.c_str());
    report("load_checkpoint", time_runs(repeats, [&] { load_checkpoint(path, model); }), total_mib);
    report("load_safetensors",
           time_runs(repeats,
                     [&] {
                         const SafetensorsFile f = load_safetensors(path);
                         if (f.tensors.size() != 4) std::exit(1);
                     }),
           total_mib);
    report("read file + parse",
           time_runs(repeats,
                     [&] {
                         std::string all(bytes.size(), '\0');
                         const int fd = ::open(path.c_str(), O_RDONLY);
                         std::size_t got = 0;
                         while (got < all.size()) {
                             const ssize_t n = ::pread(fd, &all[got], all.size() - got, got);
                             if (n <= 0) std::exit(1);
                             got += static_cast<std::size_t>(n);
                         }
                         ::close(fd);
                         const SafetensorsFile f = parse_safetensors(all, path);
                         if (f.tensors.size() != 4) std::exit(1);
                     }),
           total_mib);
    report("raw pread",
           time_runs(repeats,
                     [&] {
                         std::unique_ptr<char[]> buffer(new char[bytes.size()]);
                         const int fd = ::open(path.c_str(), O_RDONLY);
                         std::size_t got = 0;
                         while (got < bytes.size()) {
                             const ssize_t n =
                                 ::pread(fd, buffer.get() + got, bytes.size() - got, got);
                             if (n <= 0) std::exit(1);
                             got += static_cast<std::size_t>(n);
                         }
                         ::close(fd);
                     }),
           total_mib);
    ::unlink(path.c_str());
    return 0;
}
