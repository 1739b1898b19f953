#include "examples/tiny_decoder/plots.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "examples/case_tool/case_plots.hpp"

extern char** environ;

namespace tapegrad {

namespace {

namespace fs = std::filesystem;

std::string num(double v) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    return buffer;
}

int run_gnuplot(const std::string& gnuplot, const std::string& script, const std::string& png) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, png.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv = {const_cast<char*>(gnuplot.c_str()),
                               const_cast<char*>(script.c_str()), nullptr};
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, gnuplot.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string loss_curve_script(const std::vector<double>& train_losses,
                              const std::vector<ValidPoint>& valid) {
    std::string s =
        "# tiny_decoder train: training loss per step, validation loss every K steps\n"
        "set terminal pngcairo size 900,500\nset title 'tiny decoder: cross-entropy loss'\n"
        "set xlabel 'step'\nset ylabel 'loss (nats)'\nset grid\nset key top right\n"
        "$train << EOD\n";
    for (std::size_t i = 0; i < train_losses.size(); ++i)
        s += std::to_string(i + 1) + " " + num(train_losses[i]) + "\n";
    s += "EOD\n$valid << EOD\n";
    for (const ValidPoint& p : valid) s += std::to_string(p.step) + " " + num(p.loss) + "\n";
    s += "EOD\nplot $train with lines lc rgb '#7aa6d8' title 'training (batch)', \\\n"
         "     $valid with linespoints lw 2 pt 7 lc rgb '#d62728' title 'validation'\n";
    return s;
}

std::string attention_script(const std::vector<std::string>& pieces,
                             const std::vector<std::vector<std::vector<double>>>& weights) {
    std::string s =
        "# tiny_decoder explain: attention of the last position over the prompt, per layer "
        "and head\nset terminal pngcairo size 900,500\n"
        "set title 'attention of the last position (rows: layer/head, columns: prompt pieces)'\n"
        "set palette defined (0 'white', 1 '#1f4e99')\nset cbrange [0:1]\nset xtics rotate by "
        "-35\nunset key\n";
    std::size_t rows = 0;
    for (const auto& layer : weights) rows += layer.size();
    s += "set xrange [-0.5:" + num(static_cast<double>(pieces.size()) - 0.5) + "]\n";
    s += "set yrange [" + num(static_cast<double>(rows) - 0.5) + ":-0.5]\n";
    s += "set xtics (";
    for (std::size_t j = 0; j < pieces.size(); ++j)
        s += (j ? ", \"" : "\"") + plot_label(pieces[j]) + "\" " + std::to_string(j);
    s += ")\nset ytics (";
    std::size_t r = 0;
    for (std::size_t l = 0; l < weights.size(); ++l)
        for (std::size_t h = 0; h < weights[l].size(); ++h, ++r)
            s += (r ? ", \"" : "\"") + std::string("layer ") + std::to_string(l) + " head " +
                 std::to_string(h) + "\" " + std::to_string(r);
    s += ")\n$w << EOD\n";
    r = 0;
    for (const auto& layer : weights)
        for (const auto& head : layer) {
            for (std::size_t j = 0; j < head.size(); ++j)
                s += std::to_string(j) + " " + std::to_string(r) + " " + num(head[j]) + "\n";
            ++r;
        }
    s += "EOD\nplot $w using 1:2:3 with image, $w using 1:2:(sprintf('%.2f', $3)) with labels "
         "tc rgb '#888888'\n";
    return s;
}

std::string write_plot(const std::string& dir, const std::string& name, const std::string& script,
                       std::string& why) {
    const std::string gnuplot = find_on_path("gnuplot");
    if (gnuplot.empty()) {
        why = "gnuplot not found on PATH (Debian: apt-get install gnuplot-nox)";
        return "";
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path gp = fs::path(dir) / (name + ".gp");
    const fs::path png = fs::path(dir) / (name + ".png");
    const std::string suffix = ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(gp.string() + suffix, std::ios::binary | std::ios::trunc);
        out << script;
        if (!out.flush()) {
            why = "cannot write " + gp.string();
            return "";
        }
    }
    fs::rename(gp.string() + suffix, gp, ec);
    if (ec) {
        why = "cannot write " + gp.string();
        return "";
    }
    const std::string tmp = png.string() + suffix;
    const int status = run_gnuplot(gnuplot, gp.string(), tmp);
    if (status != 0 || fs::file_size(tmp, ec) == 0 || ec) {
        fs::remove(tmp, ec);
        why = "gnuplot failed on " + gp.string() + " (exit status " + std::to_string(status) + ")";
        return "";
    }
    fs::rename(tmp, png, ec);
    if (ec) {
        why = "cannot write " + png.string();
        return "";
    }
    return png.string();
}

}  // namespace tapegrad
