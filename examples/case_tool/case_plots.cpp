#include "examples/case_tool/case_plots.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace tapegrad {

namespace {

namespace fs = std::filesystem;

// Exact numbers in the data blocks: 17 significant digits read back to the same double.
std::string num(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return buffer;
}

std::string header(const std::string& name, const std::string& what) {
    return "# tapegrad decoder_training: " + what + "\n# Redraw: gnuplot " + name + ".gp > " +
           name +
           ".png\n"
           "set terminal pngcairo size 800,450 noenhanced font 'sans,10'\n"
           "set grid lt 0 lw 0.5\n";
}

std::string token_label(const Case& c, std::size_t i) {
    // The slides' numbering for display: Klasse 1 is index 0.
    return plot_label(c.vocab.empty() ? "Klasse " + std::to_string(i + 1) : c.vocab[i].token);
}

PlotScript probabilities_script(const Case& c, const CaseResult& r) {
    const std::size_t V = c.V();
    std::string s =
        header("probabilities", "softmax probabilities per token, before and after SGD");
    s += "$PROBS << EOD\n# token  p_before  p_after   (input row 0)\n";
    for (std::size_t i = 0; i < V; ++i)
        s += "\"" + token_label(c, i) + "\" " + num(r.probs(0, i)) + " " +
             num(r.probs_after_sgd(0, i)) + "\n";
    s += "EOD\n";
    s += "set title 'Softmax probabilities per token" +
         std::string(c.B() > 1 ? " (input row 0 of " + std::to_string(c.B()) + ")" : "") +
         ": before and after " + std::to_string(c.steps) + " SGD steps'\n";
    s += "set ylabel 'p'\nset yrange [0:1.15]\nset xrange [-0.6:" + num(V - 0.4) + "]\n";
    s += "set style fill solid 0.8 border -1\nset boxwidth 0.38\nset grid noxtics\nset key top "
         "right\n";
    if (V > 8) s += "set xtics rotate by -45\n";
    // The first series only places the token names under the bar pairs (its point at y = -1
    // lies outside the y range and is not drawn).
    s += "plot $PROBS using 0:(-1):xtic(1) with points notitle, \\\n"
         "     '' using ($0-0.2):2 with boxes lc rgb '#4477aa' title 'before SGD', \\\n"
         "     '' using ($0+0.2):3 with boxes lc rgb '#ee6677' title 'after " +
         std::to_string(c.steps) + " steps (lr = " + num(c.lr) + ")'";
    if (V <= 12) {
        s +=
            ", \\\n     '' using ($0-0.2):2:(sprintf('%.3f', $2)) with labels offset 0,0.7 notitle"
            ", \\\n     '' using ($0+0.2):3:(sprintf('%.3f', $3)) with labels offset 0,0.7 notitle";
    }
    s += "\n";
    return {"probabilities", s};
}

std::string sgd_block(const CaseResult& r) {
    std::string s = "$SGD << EOD\n# step  loss  p_target\n";
    for (const SgdEntry& e : r.sgd)
        s += std::to_string(e.step) + " " + num(e.loss) + " " + num(e.p_target) + "\n";
    return s + "EOD\n";
}

PlotScript sgd_script(const Case& c, const CaseResult& r) {
    std::string s = header("sgd", "loss and p(target) over the SGD steps");
    s += sgd_block(r);
    s += "set title 'SGD through the tape, lr = " + num(c.lr) +
         ": the loss falls as p(target) rises'\n";
    s += "set xlabel 'step (updates of W" + std::string(c.has_bias ? " and b" : "") + ")'\n";
    s += "set ylabel 'loss L'\nset y2label 'p(target)" +
         std::string(c.B() > 1 ? ", mean over rows" : "") + "'\n";
    s += "set yrange [0:*]\nset y2range [0:1]\nset ytics nomirror\nset y2tics\nset key center "
         "right\n";
    const std::string style = r.sgd.size() <= 60 ? "linespoints pt 7 ps 0.8" : "lines";
    s += "plot $SGD using 1:2 with " + style +
         " lw 2 lc rgb '#4477aa' title 'loss', \\\n"
         "     '' using 1:3 axes x1y2 with " +
         style + " lw 2 lc rgb '#ee6677' title 'p(target)'\n";
    return {"sgd", s};
}

PlotScript loss_curve_script(const Case& c, const CaseResult& r) {
    std::string s = header("loss_curve", "L = -log p with the SGD steps marked");
    s += sgd_block(r);
    s += "set title 'Cross-entropy for the correct token: L = -log(p)'\n";
    s += "set xlabel 'p (probability of the correct token)'\nset ylabel 'loss'\n";
    double top = 5.5;  // -log 0.005 = 5.3: the curve's left end
    for (const SgdEntry& e : r.sgd) top = std::max(top, 1.1 * e.loss);
    s += "set xrange [0:1]\nset yrange [0:" + num(top) + "]\nset samples 400\nset key top right\n";
    // Label the first and the last step; in between the points speak for themselves.
    const SgdEntry& first = r.sgd.front();
    const SgdEntry& last = r.sgd.back();
    s += "set label 1 'step 0' at " + num(first.p_target) + "," + num(first.loss) + " offset 1,1\n";
    if (last.step != first.step)
        s += "set label 2 'step " + std::to_string(last.step) + "' at " + num(last.p_target) + "," +
             num(last.loss) + " offset -2,1.5\n";
    s += "plot [0.005:0.999] -log(x) with lines lw 2 lc rgb '#4477aa' title 'L = -log p', \\\n"
         "     $SGD using 3:2 with points pt 7 ps 1.2 lc rgb '#ee6677' title 'SGD steps" +
         std::string(c.B() > 1 ? " (mean p, mean L over rows: on or above the curve)" : "") + "'\n";
    return {"loss_curve", s};
}

// Writes `text` to `path` through a temporary file in the same folder and a rename.
bool write_file_atomically(const fs::path& path, const std::string& text, std::string& error) {
    const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(tmp, ignored);
            error = "cannot write " + path.string();
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        error = "cannot write " + path.string();
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

std::vector<PlotScript> plot_scripts(const Case& c, const CaseResult& r) {
    return {probabilities_script(c, r), sgd_script(c, r), loss_curve_script(c, r)};
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

PlotOutcome write_plots(const std::string& dir, const Case& c, const CaseResult& r) {
    PlotOutcome outcome;
    const std::string gnuplot = find_on_path("gnuplot");
    if (gnuplot.empty()) {
        outcome.skipped = "gnuplot not found on PATH (Debian: apt-get install gnuplot-nox)";
        return outcome;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) {
        outcome.skipped = "cannot create folder " + dir + (ec ? ": " + ec.message() : "");
        return outcome;
    }
    for (const PlotScript& plot : plot_scripts(c, r)) {
        const fs::path script = fs::path(dir) / (plot.name + ".gp");
        const fs::path png = fs::path(dir) / (plot.name + ".png");
        const fs::path png_tmp = png.string() + ".tmp-" + std::to_string(::getpid());
        if (!write_file_atomically(script, plot.script, outcome.skipped)) return outcome;
        const int status = run_gnuplot(gnuplot, script.string(), png_tmp.string());
        const bool drawn = status == 0 && fs::file_size(png_tmp, ec) > 0 && !ec;
        if (!drawn) {
            fs::remove(png_tmp, ec);
            outcome.skipped = "gnuplot failed on " + script.string() +
                              (status < 0 ? " (could not run it)"
                                          : " (exit status " + std::to_string(status) + ")");
            return outcome;
        }
        fs::rename(png_tmp, png, ec);
        if (ec) {
            fs::remove(png_tmp, ec);
            outcome.skipped = "cannot write " + png.string();
            return outcome;
        }
        outcome.written.push_back(png.string());
    }
    return outcome;
}

}  // namespace tapegrad
