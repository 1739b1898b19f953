#pragma once
/// Bsp. 1 on a tape, shown rather than computed: decoder_training --trace and --dot FILE.

#include <iosfwd>
#include <string>

namespace tapegrad::examples {

/// Records Bsp. 1 as the card's three-node graph Linear -> Softmax -> CrossEntropy
/// (x = [1.5, 0.5], W_out = z x^T / (x^T x), target Frankreich) and then
///   trace:    prints every node (forward), then runs backward printing what each node
///             receives and passes on: dL/dp, then dL/dz = p - y, then dL/dW_out = (p - y) x^T;
///             then the same for the fused Linear -> SoftmaxCrossEntropy;
///   dot_file: when not empty, writes the three-node tape as Graphviz DOT there and, when
///             Graphviz's `dot` is installed and the file ends in ".dot", renders it to the
///             same name with ".png" (the line printed says which happened).
/// Throws std::runtime_error naming the file when it cannot be written.
void show_bsp1_tape(std::ostream& out, bool trace, const std::string& dot_file);

}  // namespace tapegrad::examples
