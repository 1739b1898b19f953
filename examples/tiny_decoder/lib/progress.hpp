#pragma once
/// Progress: the training display. On a terminal one status line on stderr, redrawn in place
/// ("step 120/2000  loss 2.314  valid 2.402  41,200 tok/s  0:42 left"); otherwise (a pipe, a
/// log file, CI) plain lines on stdout, one per report, so logs stay readable.

#include <cstddef>
#include <cstdio>
#include <string>

namespace tapegrad {

class Progress {
public:
    /// tty: draw in place on `err`; else print lines on `out`.
    Progress(std::size_t total_steps, bool tty, std::FILE* out = stdout, std::FILE* err = stderr);

    /// A report at `step` (1-based). valid_loss < 0: none yet. Plain mode prints only when
    /// `force` (the caller decides how often).
    void report(std::size_t step, double loss, double valid_loss, double tokens_per_second,
                double seconds_left, bool force);
    /// A line of its own (a checkpoint written): clears the status line first on a terminal.
    void message(const std::string& text);
    /// Ends the status line.
    void finish();

    bool tty() const { return tty_; }

private:
    std::string status(std::size_t step, double loss, double valid_loss, double tps,
                       double left) const;
    std::size_t total_;
    bool tty_;
    std::FILE* out_;
    std::FILE* err_;
    bool drawn_ = false;
};

/// "1:05" for 65 seconds, "1:02:03" past an hour.
std::string clock_string(double seconds);

}  // namespace tapegrad
