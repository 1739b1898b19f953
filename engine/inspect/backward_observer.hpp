#pragma once
/// BackwardObserver: watches a backward pass node by node (for printing it, see
/// engine/inspect/tape_printer.hpp). Install it with Tape::backward(loss, observer).
///
/// For every node the pass visits, in the order it visits them (reverse recording order):
///     before_node(i, node)   node.output().grad() holds dL/d(output): what the node receives
///     ... node i's backward writes into the gradients of its inputs ...
///     after_node(i, node)    node.inputs()[k].grad() holds what has reached input k so far
/// Nodes without a path to the loss are not visited. The observer may read but not change
/// values and gradients.

#include <cstddef>

namespace tapegrad {

class Node;

class BackwardObserver {
public:
    virtual ~BackwardObserver() = default;
    virtual void before_node(std::size_t index, const Node& node) = 0;
    virtual void after_node(std::size_t index, const Node& node) = 0;
};

}  // namespace tapegrad
