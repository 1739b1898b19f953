#include "examples/case_tool/case_plots.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/number_string.hpp"

namespace tapegrad {

namespace {

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

// At most this many input rows get a panel of their own in probabilities.png.
constexpr std::size_t kMaxProbabilityPanels = 6;

PlotScript probabilities_script(const Case& c, const CaseResult& r) {
    const std::size_t V = c.V(), rows = std::min(c.B(), kMaxProbabilityPanels);
    std::string s =
        header("probabilities", "softmax probabilities per token, before and after SGD");
    // One data block per input row (gnuplot's `index`): the rows are separated by two blank
    // lines; the fourth column marks the row's target.
    s += "$PROBS << EOD\n";
    for (std::size_t b = 0; b < rows; ++b) {
        s += std::string(b ? "\n\n" : "") + "# token  p_before  p_after  target   (input row " +
             std::to_string(b) + ")\n";
        for (std::size_t i = 0; i < V; ++i)
            s += "\"" + token_label(c, i) + "\" " + plot_number(r.probs(b, i)) + " " +
                 plot_number(r.probs_after_sgd(b, i)) + (i == c.targets[b] ? " 1" : " 0") + "\n";
    }
    s += "EOD\n";
    const std::string title = "Softmax probabilities per token: before and after " +
                              std::to_string(c.steps) + " SGD steps (lr = " + number_string(c.lr) +
                              ")";
    if (rows > 1) {
        s += "set terminal pngcairo size 800," + std::to_string(60 + 260 * rows) +
             " noenhanced font 'sans,10'\n";
        s += "set multiplot layout " + std::to_string(rows) + ",1 title '" + title +
             (c.B() > rows ? " (input rows 0-" + std::to_string(rows - 1) + " of " +
                                 std::to_string(c.B()) + ")"
                           : std::string()) +
             "'\n";
    }
    s += "set ylabel 'p'\nset yrange [0:1.22]\nset xrange [-0.6:" + plot_number(V - 0.4) + "]\n";
    s += "set style fill solid 0.8 border -1\nset boxwidth 0.38\nset grid noxtics\nset key top "
         "right\n";
    if (V > 8) s += "set xtics rotate by -45\n";
    for (std::size_t b = 0; b < rows; ++b) {
        const std::string block = "$PROBS index " + std::to_string(b);
        s += rows > 1 ? "set title 'input row " + std::to_string(b) + "'\n"
                      : "set title '" + title + "'\n";
        // The first series only places the token names under the bar pairs (its point at
        // y = -1 lies outside the y range and is not drawn); the last marks the target.
        s += "plot " + block +
             " using 0:(-1):xtic(1) with points notitle, \\\n"
             "     " +
             block +
             " using ($0-0.2):2 with boxes lc rgb '#4477aa' title 'before SGD', \\\n"
             "     " +
             block + " using ($0+0.2):3 with boxes lc rgb '#ee6677' title 'after " +
             std::to_string(c.steps) +
             " steps', \\\n"
             "     " +
             block +
             " using 0:($4 > 0 ? 1.12 : 1/0) with points pt 11 ps 1.6 "
             "lc rgb 'black' title 'target'";
        if (V <= 12) {
            s += ", \\\n     " + block +
                 " using ($0-0.2):2:(sprintf('%.3f', $2)) with labels offset 0,0.7 notitle"
                 ", \\\n     " +
                 block + " using ($0+0.2):3:(sprintf('%.3f', $3)) with labels offset 0,0.7 notitle";
        }
        s += "\n";
    }
    if (rows > 1) s += "unset multiplot\n";
    return {"probabilities", s};
}

std::string sgd_block(const CaseResult& r) {
    std::string s = "$SGD << EOD\n# step  loss  p_target\n";
    for (const SgdEntry& e : r.sgd)
        s += std::to_string(e.step) + " " + plot_number(e.loss) + " " + plot_number(e.p_target) +
             "\n";
    return s + "EOD\n";
}

PlotScript sgd_script(const Case& c, const CaseResult& r) {
    std::string s = header("sgd", "loss and p(target) over the SGD steps");
    s += sgd_block(r);
    s += "set title 'SGD through the tape, lr = " + plot_number(c.lr) +
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
    s += "set xrange [0:1]\nset yrange [0:" + plot_number(top) +
         "]\nset samples 400\nset key top right\n";
    // Label the first and the last step; in between the points speak for themselves.
    const SgdEntry& first = r.sgd.front();
    const SgdEntry& last = r.sgd.back();
    s += "set label 1 'step 0' at " + plot_number(first.p_target) + "," + plot_number(first.loss) +
         " offset 1,1\n";
    if (last.step != first.step)
        s += "set label 2 'step " + std::to_string(last.step) + "' at " +
             plot_number(last.p_target) + "," + plot_number(last.loss) + " offset -2,1.5\n";
    s += "plot [0.005:0.999] -log(x) with lines lw 2 lc rgb '#4477aa' title 'L = -log p', \\\n"
         "     $SGD using 3:2 with points pt 7 ps 1.2 lc rgb '#ee6677' title 'SGD steps" +
         std::string(c.B() > 1 ? " (mean p, mean L over rows: on or above the curve)" : "") + "'\n";
    return {"loss_curve", s};
}

}  // namespace

std::vector<PlotScript> plot_scripts(const Case& c, const CaseResult& r) {
    return {probabilities_script(c, r), sgd_script(c, r), loss_curve_script(c, r)};
}

PlotOutcome write_plots(const std::string& dir, const Case& c, const CaseResult& r) {
    PlotOutcome outcome;
    for (const PlotScript& plot : plot_scripts(c, r)) {
        const std::string png = draw_plot(dir, plot.name, plot.script, outcome.skipped);
        if (png.empty()) return outcome;
        outcome.written.push_back(png);
    }
    return outcome;
}

}  // namespace tapegrad
