#include "examples/tiny_decoder/lib/progress.hpp"

#include <cmath>

namespace tapegrad {

std::string clock_string(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    const long s = std::lround(seconds);
    char buffer[32];
    if (s >= 3600)
        std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
    return buffer;
}

Progress::Progress(std::size_t total_steps, bool tty, std::FILE* out, std::FILE* err)
    : total_(total_steps), tty_(tty), out_(out), err_(err) {}

std::string Progress::status(std::size_t step, double loss, double valid_loss, double tps,
                             double left) const {
    char buffer[160];
    char valid[32] = "-";
    if (valid_loss >= 0) std::snprintf(valid, sizeof valid, "%.4f", valid_loss);
    std::snprintf(buffer, sizeof buffer, "step %zu/%zu  loss %.4f  valid %s  %.0f tok/s  %s left",
                  step, total_, loss, valid, tps, clock_string(left).c_str());
    return buffer;
}

void Progress::report(std::size_t step, double loss, double valid_loss, double tokens_per_second,
                      double seconds_left, bool force) {
    const std::string s = status(step, loss, valid_loss, tokens_per_second, seconds_left);
    if (tty_) {
        std::fprintf(err_, "\r\033[K%s", s.c_str());
        std::fflush(err_);
        drawn_ = true;
    } else if (force) {
        std::fprintf(out_, "%s\n", s.c_str());
        std::fflush(out_);
    }
}

void Progress::message(const std::string& text) {
    if (tty_ && drawn_) std::fprintf(err_, "\r\033[K");
    std::fprintf(out_, "%s\n", text.c_str());
    std::fflush(out_);
    drawn_ = false;
}

void Progress::finish() {
    if (tty_ && drawn_) {
        std::fprintf(err_, "\n");
        std::fflush(err_);
    }
    drawn_ = false;
}

}  // namespace tapegrad
