#include "examples/gnuplot/gnuplot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace tapegrad {

namespace {

namespace fs = std::filesystem;

// Writes `text` to `path` through a temporary file in the same folder and a rename.
bool write_file_atomically(const fs::path& path, const std::string& text, std::string& why) {
    const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(tmp, ignored);
            why = "cannot write " + path.string();
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        why = "cannot write " + path.string();
        return false;
    }
    return true;
}

// Runs `gnuplot script` with its standard output into `png_tmp`; returns the exit status
// (-1 when it could not be started or was killed).
int run_gnuplot(const std::string& gnuplot, const std::string& script, const std::string& png_tmp) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, png_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<char*> argv = {const_cast<char*>(gnuplot.c_str()),
                               const_cast<char*>(script.c_str()), nullptr};
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, gnuplot.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string plot_number(double v) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return buffer;
}

std::string plot_label(const std::string& token) {
    constexpr std::size_t kMaxBytes = 24;  // longer names would run into the next bar pair
    std::string out;
    for (unsigned char ch : token) {
        if (out.size() >= kMaxBytes && (ch & 0xC0) != 0x80) {  // stop before a new character
            out += "...";
            break;
        }
        if (ch == '"' || ch == '`') {
            out += '\'';
        } else if (ch < 0x20 || ch == 0x7f) {
            out += ' ';
        } else {
            out += static_cast<char>(ch);
        }
    }
    return out;
}

std::string find_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
    }
    return "";
}

std::string draw_plot(const std::string& dir, const std::string& name, const std::string& script,
                      std::string& why) {
    const std::string gnuplot = find_on_path("gnuplot");
    if (gnuplot.empty()) {
        why = "gnuplot not found on PATH (Debian: apt-get install gnuplot-nox)";
        return "";
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) {
        why = "cannot create folder " + dir + (ec ? ": " + ec.message() : "");
        return "";
    }
    const fs::path gp = fs::path(dir) / (name + ".gp");
    const fs::path png = fs::path(dir) / (name + ".png");
    const fs::path png_tmp = png.string() + ".tmp-" + std::to_string(::getpid());
    if (!write_file_atomically(gp, script, why)) return "";
    const int status = run_gnuplot(gnuplot, gp.string(), png_tmp.string());
    const bool drawn = status == 0 && fs::file_size(png_tmp, ec) > 0 && !ec;
    if (!drawn) {
        fs::remove(png_tmp, ec);
        why =
            "gnuplot failed on " + gp.string() +
            (status < 0 ? " (could not run it)" : " (exit status " + std::to_string(status) + ")");
        return "";
    }
    fs::rename(png_tmp, png, ec);
    if (ec) {
        fs::remove(png_tmp, ec);
        why = "cannot write " + png.string();
        return "";
    }
    return png.string();
}

}  // namespace tapegrad
