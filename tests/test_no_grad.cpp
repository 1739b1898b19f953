// NoGrad: a scope in which the tape records nothing, restored at the end, also on exceptions.
#include "engine/core/no_grad.hpp"

#include <stdexcept>

#include "ops/tanh.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_no_grad)

using namespace tapegrad;

BOOST_AUTO_TEST_CASE(ops_run_but_nothing_is_recorded_inside_the_scope) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{0.5}, "x");
    {
        NoGrad guard(tape);
        Tensor y = tapegrad::tanh(tape, x);
        BOOST_TEST(y.value()(0) == std::tanh(0.5));
        BOOST_TEST(!y.requires_grad());
        BOOST_TEST(tape.size() == 0u);
    }
    BOOST_TEST(tape.recording());
    tapegrad::tanh(tape, x);
    BOOST_TEST(tape.size() == 1u);
}

BOOST_AUTO_TEST_CASE(recording_is_restored_by_an_exception_and_nested_scopes) {
    Tape tape;
    try {
        NoGrad guard(tape);
        { NoGrad inner(tape); }
        BOOST_TEST(!tape.recording());  // the inner scope restores "off", not "on"
        throw std::runtime_error("leave the scope");
    } catch (const std::runtime_error&) {
    }
    BOOST_TEST(tape.recording());
}

BOOST_AUTO_TEST_SUITE_END()
