#pragma once
/// Watching backpropagation: a tape as text (forward nodes, then the backward pass node by
/// node) and as a Graphviz DOT graph.
///
///     Tape tape;  ... record ...
///     print_tape(std::cout, tape);                 // every node: op, formula, inputs, output
///     print_backward(std::cout, tape, loss);       // runs backward(loss) and prints each step:
///                                                  // what a node receives, what it passes on
///     write_dot(file, tape);                       // dot -Tpng tape.dot -o tape.png
///
/// Tensors are labelled by their name (Tensor::set_name), otherwise as "node<i>.out" for the
/// output of node i and "leaf<k>" for the k-th unnamed input that no node produced.
/// Formulas come from the ops' optional forward_formula / backward_formula (see
/// engine/core/op_formula.hpp); ops without them are printed without.

#include <cstddef>
#include <iosfwd>

#include "engine/core/tape.hpp"
#include "engine/core/tensor.hpp"

namespace tapegrad {

struct TraceOptions {
    /// Arrays with at most this many elements are printed in full, larger ones by shape only
    /// (a trace is for small graphs a person reads; a 32000 x 512 matrix is not readable).
    std::size_t max_values = 32;
    /// Significant digits of printed values (4 matches the slides).
    int precision = 4;
};

/// Every recorded node in order: index, op name, forward formula, each input and the output
/// with shape and (when small) values.
void print_tape(std::ostream& out, const Tape& tape, const TraceOptions& options = {});

/// Runs tape.backward(loss) and prints, for each node it visits (in reverse order), the
/// backward formula, the gradient the node receives, dL/d(output), and what it passes to each
/// input that requires a gradient. When an input was already reached by a later node, the
/// printout shows both this node's contribution and the sum now held.
/// Throws what backward throws.
void print_backward(std::ostream& out, Tape& tape, const Tensor& loss,
                    const TraceOptions& options = {});

/// The tape as a DOT graph: tensors as ellipses (filled when they require a gradient), ops as
/// boxes with their forward formula, edges tensor -> op -> tensor labelled with shapes.
void write_dot(std::ostream& out, const Tape& tape);

}  // namespace tapegrad
