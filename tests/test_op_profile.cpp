#include "engine/inspect/op_profile.hpp"

#include <stdexcept>
#include <string>

#include "engine/core/no_grad.hpp"
#include "engine/core/tape.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_op_profile)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

/// y = k x: the smallest op, to count calls.
struct Twice {
    static constexpr const char* name = "Twice";
    void forward(const Inputs<1>& in, Array& y) { y = 2.0 * in[0]; }
    void backward(const Inputs<1>&, const Array&, const Array& g, GradTargets<1>& grad) {
        grad[0].set(2.0 * g);
    }
};

/// L = sum(x).
struct Total {
    static constexpr const char* name = "Total";
    void forward(const Inputs<1>& in, Array& y) { y = Array{xt::sum(in[0])()}; }
    void backward(const Inputs<1>& in, const Array&, const Array& g, GradTargets<1>& grad) {
        grad[0].set(xt::zeros_like(in[0]) + g(0));
    }
};

/// An op whose forward always refuses its input.
struct Refuses {
    static constexpr const char* name = "Refuses";
    void forward(const Inputs<1>&, Array&) { throw std::invalid_argument("Refuses: no"); }
    void backward(const Inputs<1>&, const Array&, const Array&, GradTargets<1>&) {}
};

/// Two steps of x -> Twice -> Twice -> Total -> backward, profiled.
OpProfile two_profiled_steps() {
    Tensor x = Tensor::parameter(Array{1.0, 2.0, 3.0}, "x");
    Tape tape;
    OpProfile profile;
    tape.add_hooks(profile);
    for (int step = 0; step < 2; ++step) {
        tape.rewind();
        Tensor y = tape.apply(Twice{}, tape.apply(Twice{}, x));
        tape.backward(tape.apply(Total{}, y));
    }
    return profile;
}

}  // namespace

BOOST_AUTO_TEST_CASE(counts_every_forward_and_backward_by_op_name) {
    const OpProfile profile = two_profiled_steps();
    const std::vector<OpProfile::Entry> entries = profile.entries();
    BOOST_TEST_REQUIRE(entries.size() == 2u);
    for (const OpProfile::Entry& e : entries) {
        const std::size_t per_step = e.op == "Twice" ? 2 : 1;
        BOOST_TEST_CONTEXT(e.op) {
            BOOST_TEST((e.op == "Twice" || e.op == "Total"));
            BOOST_TEST(e.forward_calls == 2 * per_step);
            BOOST_TEST(e.backward_calls == 2 * per_step);
            BOOST_TEST(e.forward_seconds >= 0.0);
            BOOST_TEST(e.backward_seconds >= 0.0);
        }
    }
    BOOST_TEST(entries[0].seconds() >= entries[1].seconds());  // the longest first
    BOOST_TEST(profile.seconds() == entries[0].seconds() + entries[1].seconds());
}

BOOST_AUTO_TEST_CASE(no_profile_reads_no_clock_and_records_nothing) {
    Tensor x = Tensor::parameter(Array{1.0}, "x");
    Tape tape;
    OpProfile profile;
    tape.add_hooks(profile);
    tape.remove_hooks(profile);
    tape.backward(tape.apply(Total{}, tape.apply(Twice{}, x)));
    BOOST_TEST(profile.entries().empty());
    BOOST_TEST(x.grad() == Array{2.0});  // the pass itself is unchanged
}

BOOST_AUTO_TEST_CASE(unrecorded_forwards_are_timed_too) {
    Tensor x = Tensor::parameter(Array{1.0}, "x");
    Tape tape;
    OpProfile profile;
    tape.add_hooks(profile);
    {
        NoGrad off(tape);
        tape.apply(Twice{}, x);
    }
    const std::vector<OpProfile::Entry> entries = profile.entries();
    BOOST_TEST_REQUIRE(entries.size() == 1u);
    BOOST_TEST(entries[0].forward_calls == 1u);
    BOOST_TEST(entries[0].backward_calls == 0u);
}

BOOST_AUTO_TEST_CASE(a_forward_that_throws_is_not_counted) {
    Tensor a = Tensor::parameter(Array{1.0, 2.0}, "a");
    Tape tape;
    OpProfile profile;
    tape.add_hooks(profile);
    BOOST_CHECK_THROW(tape.apply(Refuses{}, a), std::invalid_argument);
    BOOST_TEST(profile.entries().empty());
    BOOST_TEST(tape.size() == 0u);
}

BOOST_AUTO_TEST_CASE(report_lists_each_op_per_step_and_what_is_outside_the_tape) {
    const OpProfile profile = two_profiled_steps();
    const double step_seconds = profile.seconds() + 0.004;  // 2 ms a step outside the tape
    const std::string text = profile.report(2, step_seconds);
    BOOST_TEST_INFO(text);
    for (const char* expected : {"op per step", "fwd calls", "Twice", "Total", "(all ops)",
                                 "(outside the tape)", "(step)", "100.0%"})
        BOOST_TEST(text.find(expected) != std::string::npos, expected);
    // Calls are per step: Twice runs twice a step, forward and backward.
    BOOST_TEST(text.find("  Twice                          2         2") != std::string::npos);
    BOOST_TEST(text.find("(outside the tape)") < text.find("(step)"));
    BOOST_TEST(text.find("      2.000 ") != std::string::npos);  // 4 ms over 2 steps
}

BOOST_AUTO_TEST_CASE(report_refuses_zero_steps_or_a_nonpositive_time) {
    const OpProfile profile = two_profiled_steps();
    check_invalid_argument([&] { profile.report(0, 1.0); },
                           {"OpProfile::report: wants steps >= 1", "got 0 steps"});
    check_invalid_argument([&] { profile.report(2, 0.0); }, {"a positive time, got 2 steps"});
}

BOOST_AUTO_TEST_CASE(clear_forgets_every_entry) {
    OpProfile profile = two_profiled_steps();
    profile.clear();
    BOOST_TEST(profile.entries().empty());
    BOOST_TEST(profile.seconds() == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
