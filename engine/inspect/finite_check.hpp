#pragma once
/// FiniteCheck: anomaly detection, so that a loss that turns into nan can be traced to the op
/// where it started.
///
///     FiniteCheck finite_check;
///     tape.add_hooks(finite_check);   // until tape.remove_hooks(finite_check)
///
/// After every op's forward and every node's backward it looks for a NaN or an infinity in what
/// the op just produced (its output; the gradients it wrote) and throws NonFiniteError at the
/// first one, naming the op, its position on the tape and the input shapes (inputs that were
/// non-finite already are marked). A forward that fails the check is not recorded. It costs
/// one pass over each output and gradient, so it is something to attach, not a default.

#include <cstddef>

#include "engine/core/tape_hooks.hpp"
#include "engine/inspect/non_finite_error.hpp"

namespace tapegrad {

class FiniteCheck final : public TapeHooks {
public:
    void after_forward(std::size_t position, const Node& node) override;
    void after_backward(std::size_t position, const Node& node) override;
};

}  // namespace tapegrad
