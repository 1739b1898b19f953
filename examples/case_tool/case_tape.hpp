#pragma once
/// A case on a tape, shown rather than computed: decoder_training --trace and --dot FILE.
/// Without --case the case is the walkthrough's Bsp. 1 (bsp1_case), so a learner sees the
/// slide's dL/dz = p - y and dL/dW_out = (p - y) x^T appear as numbers; with --case FILE the
/// same happens on the user's own numbers.

#include <iosfwd>
#include <string>

#include "examples/case_tool/case_file.hpp"

namespace tapegrad::examples {

/// Records the case as the card's three-node graph Linear -> Softmax -> CrossEntropy
/// (W named `W_name`, e.g. "W_out" as on the slides) and then
///   trace:    prints every node (forward), then runs backward printing what each node
///             receives and passes on: dL/dp, then dL/dz = (p - y)/B, then dL/dW = (dL/dz)^T x
///             (and dL/db); then the same for the fused Linear -> SoftmaxCrossEntropy;
///   dot_file: when not empty, writes the three-node tape as Graphviz DOT there and, when
///             Graphviz's `dot` is installed and the file ends in ".dot", renders it to the
///             same name with ".png" (the line printed says which happened).
/// Values are printed for small tensors only (see engine/inspect/tape_printer.hpp).
/// Throws std::runtime_error naming the file when it cannot be written.
void show_case_tape(std::ostream& out, const Case& c, const std::string& W_name, bool trace,
                    const std::string& dot_file);

}  // namespace tapegrad::examples
