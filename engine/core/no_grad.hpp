#pragma once
/// NoGrad: a scope in which a tape records nothing; ops still run and return values.
///
///     { NoGrad guard(tape); Tensor p = softmax(tape, z); }   // evaluation only
///
/// Recording is restored when the scope ends, also by an exception.

#include "engine/core/tape.hpp"

namespace tapegrad {

class NoGrad {
public:
    explicit NoGrad(Tape& tape) : tape_(tape), was_recording_(tape.recording()) {
        tape_.set_recording(false);
    }
    ~NoGrad() { tape_.set_recording(was_recording_); }
    NoGrad(const NoGrad&) = delete;
    NoGrad& operator=(const NoGrad&) = delete;

private:
    Tape& tape_;
    bool was_recording_;
};

}  // namespace tapegrad
