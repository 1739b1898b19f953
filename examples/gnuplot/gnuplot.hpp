#pragma once
/// gnuplot for the examples' figures: one self-contained script per figure, its data inline,
/// kept beside the PNG it draws (`gnuplot <name>.gp > <name>.png` redraws it, and every
/// plotted number can be read there).
///
/// draw_plot writes the script through a temporary file and a rename, runs gnuplot with its
/// standard output into a temporary PNG, and renames that into place only when gnuplot
/// succeeded: no half-written script or PNG is ever left. Text from a user (tokens, pieces)
/// enters a script only through plot_label, as a quoted field of a data block, so it cannot end
/// the string or run a gnuplot (or shell) command. Used by examples/case_tool (the case
/// files' plots) and examples/tiny_decoder (loss curve, attention heatmap).

#include <string>

namespace tapegrad {

/// A number for a data block: 17 significant digits, read back to the same double.
std::string plot_number(double v);

/// A token as it may appear as a quoted field in a data block: quotes and backquotes become
/// ', control characters spaces; at most 24 bytes of it (cut on a UTF-8 character boundary,
/// then "...").
std::string plot_label(const std::string& token);

/// The full path of an executable `program` on $PATH, or "" when there is none.
std::string find_on_path(const std::string& program);

/// Writes <dir>/<name>.gp and has gnuplot draw <dir>/<name>.png (dir is created when
/// missing). Returns the PNG's path, or "" with `why` set — gnuplot not on PATH, a folder
/// that cannot be created or written, gnuplot failing on the script — and never throws for
/// those.
std::string draw_plot(const std::string& dir, const std::string& name, const std::string& script,
                      std::string& why);

}  // namespace tapegrad
