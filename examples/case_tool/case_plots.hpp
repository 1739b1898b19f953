#pragma once
/// The notebook's figures for a case, drawn by gnuplot (PNG through pngcairo):
///
///   probabilities.png   softmax probabilities as bars per token, before and after the SGD
///                       steps, the target marked (the notebook's first figure); a batch gets
///                       one panel per input row (the first six)
///   sgd.png             loss and p(target) over the SGD steps
///   loss_curve.png      L = -log p for p in (0, 1) (the notebook's last figure) with the SGD
///                       steps marked on it
///
/// Each plot is a self-contained gnuplot script with its data inline, drawn by draw_plot
/// (examples/gnuplot/gnuplot.hpp: script kept beside the PNG, both written atomically). Token
/// strings come from the user's case file and enter a script only through plot_label, as a
/// quoted field of a data block, so a token cannot run a gnuplot (or shell) command.

#include <string>
#include <vector>

#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_result.hpp"
#include "examples/gnuplot/gnuplot.hpp"

namespace tapegrad {

/// One plot: the file name without extension and the gnuplot script that draws it.
struct PlotScript {
    std::string name;
    std::string script;
};

/// The three scripts for a computed case.
std::vector<PlotScript> plot_scripts(const Case& c, const CaseResult& r);

/// What write_plots did: the PNG paths written, or why the plots were skipped.
struct PlotOutcome {
    std::vector<std::string> written;
    std::string skipped;  // "" when all were written, else e.g. "gnuplot not found on PATH"
};

/// Writes the scripts and the PNGs into `dir` (created when missing). Never throws for a
/// missing gnuplot or an unwritable folder: that is reported in `skipped`.
PlotOutcome write_plots(const std::string& dir, const Case& c, const CaseResult& r);

}  // namespace tapegrad
