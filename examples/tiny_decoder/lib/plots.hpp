#pragma once
/// The tiny decoder's figures as gnuplot scripts (pngcairo) with their data inline; draw_plot
/// (examples/gnuplot/gnuplot.hpp) writes each beside its PNG
/// (`gnuplot loss_curve.gp > loss_curve.png` redraws it):
///   loss_curve.png   training loss per step and validation loss every K steps
///   attention.png    the last position's attention weights over the prompt's pieces, one
///                    row per layer and head
/// Pieces enter a script only as quoted data fields through plot_label (examples/gnuplot),
/// so no piece can run a gnuplot command.

#include <cstddef>
#include <string>
#include <vector>

namespace tapegrad {

struct ValidPoint {
    std::size_t step;
    double loss;
};

std::string loss_curve_script(const std::vector<double>& train_losses,
                              const std::vector<ValidPoint>& valid);

/// weights[l][h][j]: layer l, head h, prompt position j.
std::string attention_script(const std::vector<std::string>& pieces,
                             const std::vector<std::vector<std::vector<double>>>& weights);

}  // namespace tapegrad
