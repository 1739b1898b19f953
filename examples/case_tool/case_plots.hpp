#pragma once
/// The notebook's figures for a case, drawn by gnuplot (PNG through pngcairo):
///
///   probabilities.png   softmax probabilities as bars per token (input row 0), before and
///                       after the SGD steps (the notebook's first figure)
///   sgd.png             loss and p(target) over the SGD steps
///   loss_curve.png      L = -log p for p in (0, 1) (the notebook's last figure) with the SGD
///                       steps marked on it
///
/// Each plot is a self-contained gnuplot script with its data inline (`<name>.gp`, kept next
/// to the PNG: `gnuplot <name>.gp > <name>.png` redraws it, and every plotted number can be
/// read there). gnuplot writes the PNG to its standard output, into a temporary file that is
/// renamed into place only when gnuplot succeeded, so no half-written PNG is ever left.
///
/// Token strings come from the user's case file and only ever enter a script inside a data
/// block as a quoted field, with quotes, backquotes and control characters replaced, so a
/// token cannot end the string or run a gnuplot (or shell) command.

#include <string>
#include <vector>

#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_result.hpp"

namespace tapegrad {

/// One plot: the file name without extension and the gnuplot script that draws it.
struct PlotScript {
    std::string name;
    std::string script;
};

/// The three scripts for a computed case.
std::vector<PlotScript> plot_scripts(const Case& c, const CaseResult& r);

/// A token as it may appear as a quoted field in a gnuplot data block (see above); at most
/// 24 bytes of it (cut on a UTF-8 character boundary).
std::string plot_label(const std::string& token);

/// The full path of an executable `program` on $PATH, or "" when there is none.
std::string find_on_path(const std::string& program);

/// What write_plots did: the PNG paths written, or why the plots were skipped.
struct PlotOutcome {
    std::vector<std::string> written;
    std::string skipped;  // "" when all were written, else e.g. "gnuplot not found on PATH"
};

/// Writes the scripts and the PNGs into `dir` (created when missing). Never throws for a
/// missing gnuplot or an unwritable folder: that is reported in `skipped`.
PlotOutcome write_plots(const std::string& dir, const Case& c, const CaseResult& r);

}  // namespace tapegrad
