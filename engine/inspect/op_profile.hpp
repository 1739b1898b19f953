#pragma once
/// OpProfile: where a training step's time goes, op by op.
///
///     OpProfile profile;
///     tape.add_hooks(profile);           // from now on the tape times every node
///     ... training steps ...
///     tape.remove_hooks(profile);
///     std::cout << profile.report(steps, seconds);   // op | calls | forward | backward | share
///
/// Attached to a tape (engine/core/tape_hooks.hpp) it reads a steady clock around every op's
/// forward (also unrecorded ones, under NoGrad) and every node's backward, and adds the time
/// here under the op's name (Op::name). Without it no clock is read. What the tape does not
/// run — the optimizer, gradient clipping, the caller's own code — is not in the entries: the
/// report shows it as "outside the tape", the step's time minus the ops' time.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "engine/core/tape_hooks.hpp"

namespace tapegrad {

class OpProfile final : public TapeHooks {
public:
    using Clock = std::chrono::steady_clock;

    struct Entry {
        std::string op;
        std::size_t forward_calls = 0;
        std::size_t backward_calls = 0;
        double forward_seconds = 0.0;
        double backward_seconds = 0.0;
        double seconds() const { return forward_seconds + backward_seconds; }
    };

    /// The time from `start` to now, added to op's forward (or backward) entry.
    void add_forward(const char* op, Clock::time_point start);
    void add_backward(const char* op, Clock::time_point start);

    // The hooks: the clock read before, the time added after.
    void before_forward(std::size_t position, const Node& node) override;
    void after_forward(std::size_t position, const Node& node) override;
    void before_backward(std::size_t position, const Node& node) override;
    void after_backward(std::size_t position, const Node& node) override;

    /// One entry per op name seen, the longest total first (ties by name).
    std::vector<Entry> entries() const;
    /// The sum of every entry's forward and backward time.
    double seconds() const;
    void clear() { by_op_.clear(); }

    /// A table per step: op | forward calls | backward calls | forward ms | backward ms |
    /// total ms | share of the step, then the ops' sum, "outside the tape" (step_seconds minus
    /// the ops' time) and the step. steps >= 1 is how many steps the profile covers and
    /// step_seconds their total time; throws std::invalid_argument otherwise.
    std::string report(std::size_t steps, double step_seconds) const;

private:
    Entry& entry(const char* op);
    std::map<std::string, Entry> by_op_;
    Clock::time_point start_;  // of the forward or backward running now
};

}  // namespace tapegrad
