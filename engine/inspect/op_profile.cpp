#include "engine/inspect/op_profile.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "engine/core/node.hpp"

namespace tapegrad {

namespace {

double seconds_since(OpProfile::Clock::time_point start) {
    const std::chrono::duration<double> elapsed = OpProfile::Clock::now() - start;
    return elapsed.count();
}

}  // namespace

OpProfile::Entry& OpProfile::entry(const char* op) {
    Entry& e = by_op_[op];
    if (e.op.empty()) e.op = op;
    return e;
}

void OpProfile::add_forward(const char* op, Clock::time_point start) {
    const double seconds = seconds_since(start);
    Entry& e = entry(op);
    ++e.forward_calls;
    e.forward_seconds += seconds;
}

void OpProfile::add_backward(const char* op, Clock::time_point start) {
    const double seconds = seconds_since(start);
    Entry& e = entry(op);
    ++e.backward_calls;
    e.backward_seconds += seconds;
}

void OpProfile::before_forward(std::size_t, const Node&) {
    start_ = Clock::now();
}
void OpProfile::after_forward(std::size_t, const Node& node) {
    add_forward(node.op_name(), start_);
}
void OpProfile::before_backward(std::size_t, const Node&) {
    start_ = Clock::now();
}
void OpProfile::after_backward(std::size_t, const Node& node) {
    add_backward(node.op_name(), start_);
}

std::vector<OpProfile::Entry> OpProfile::entries() const {
    std::vector<Entry> all;
    for (const auto& [name, e] : by_op_) all.push_back(e);
    std::stable_sort(all.begin(), all.end(),
                     [](const Entry& a, const Entry& b) { return a.seconds() > b.seconds(); });
    return all;
}

double OpProfile::seconds() const {
    double total = 0.0;
    for (const auto& [name, e] : by_op_) total += e.seconds();
    return total;
}

std::string OpProfile::report(std::size_t steps, double step_seconds) const {
    if (steps == 0 || !(step_seconds > 0.0)) {
        throw std::invalid_argument(
            "OpProfile::report: wants steps >= 1 and a positive time, got " +
            std::to_string(steps) + " steps in " + std::to_string(step_seconds) + " s");
    }
    const double per_step_ms = 1e3 / static_cast<double>(steps);
    const double step_ms = step_seconds * per_step_ms;
    std::string text;
    char line[160];
    // One row; a negative time is left blank (the summary rows have no forward/backward split).
    auto row = [&](const std::string& name, const std::string& fwd_calls,
                   const std::string& bwd_calls, double fwd_ms, double bwd_ms, double ms) {
        auto cell = [](double v) {
            char c[32] = "";
            if (v >= 0.0) std::snprintf(c, sizeof c, "%.3f", v);
            return std::string(c);
        };
        std::snprintf(line, sizeof line, "  %-22s %9s %9s %11s %11s %11.3f %6.1f%%\n", name.c_str(),
                      fwd_calls.c_str(), bwd_calls.c_str(), cell(fwd_ms).c_str(),
                      cell(bwd_ms).c_str(), ms, 100.0 * ms / step_ms);
        text += line;
    };
    std::snprintf(line, sizeof line, "  %-22s %9s %9s %11s %11s %11s %7s\n", "op per step",
                  "fwd calls", "bwd calls", "forward ms", "backward ms", "total ms", "share");
    text += line;
    // Calls per step: whole when every step made the same calls.
    auto per_step = [&](std::size_t calls) {
        char c[32];
        if (calls % steps == 0)
            std::snprintf(c, sizeof c, "%zu", calls / steps);
        else
            std::snprintf(c, sizeof c, "%.2f", static_cast<double>(calls) / steps);
        return std::string(c);
    };
    double fwd_sum = 0.0, bwd_sum = 0.0;
    for (const Entry& e : entries()) {
        const double fwd_ms = e.forward_seconds * per_step_ms;
        const double bwd_ms = e.backward_seconds * per_step_ms;
        row(e.op, per_step(e.forward_calls), per_step(e.backward_calls), fwd_ms, bwd_ms,
            fwd_ms + bwd_ms);
        fwd_sum += fwd_ms;
        bwd_sum += bwd_ms;
    }
    row("(all ops)", "", "", fwd_sum, bwd_sum, fwd_sum + bwd_sum);
    row("(outside the tape)", "", "", -1.0, -1.0, step_ms - fwd_sum - bwd_sum);
    row("(step)", "", "", -1.0, -1.0, step_ms);
    return text;
}

}  // namespace tapegrad
