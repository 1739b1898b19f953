#include "examples/tiny_decoder/lib/plots.hpp"

#include "examples/gnuplot/gnuplot.hpp"

namespace tapegrad {

std::string loss_curve_script(const std::vector<double>& train_losses,
                              const std::vector<ValidPoint>& valid) {
    std::string s =
        "# tiny_decoder train: training loss per step, validation loss every K steps\n"
        "set terminal pngcairo size 900,500\nset title 'tiny decoder: cross-entropy loss'\n"
        "set xlabel 'step'\nset ylabel 'loss (nats)'\nset grid\nset key top right\n"
        "$train << EOD\n";
    for (std::size_t i = 0; i < train_losses.size(); ++i)
        s += std::to_string(i + 1) + " " + plot_number(train_losses[i]) + "\n";
    s += "EOD\n";
    if (valid.empty()) {  // no held-out text: the training curve alone (no empty series)
        s += "plot $train with lines lc rgb '#7aa6d8' title 'training (batch)'\n";
        return s;
    }
    s += "$valid << EOD\n";
    for (const ValidPoint& p : valid)
        s += std::to_string(p.step) + " " + plot_number(p.loss) + "\n";
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
    s += "set xrange [-0.5:" + plot_number(static_cast<double>(pieces.size()) - 0.5) + "]\n";
    s += "set yrange [" + plot_number(static_cast<double>(rows) - 0.5) + ":-0.5]\n";
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
                s +=
                    std::to_string(j) + " " + std::to_string(r) + " " + plot_number(head[j]) + "\n";
            ++r;
        }
    s += "EOD\nplot $w using 1:2:3 with image, $w using 1:2:(sprintf('%.2f', $3)) with labels "
         "tc rgb '#888888'\n";
    return s;
}

}  // namespace tapegrad
