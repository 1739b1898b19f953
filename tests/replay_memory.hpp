#pragma once
/// For the tests of an op: replaying a tape after rewind() allocates nothing at size after the
/// first step (the pattern of tests/test_tape.cpp's heap-flat tests, for one op at a time).

#include <malloc.h>

#include <cstddef>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "engine/core/tape.hpp"

namespace tapegrad::test {

/// Bytes the program holds from malloc right now (glibc). Under AddressSanitizer, which
/// replaces malloc, this reads 0 and the check below is vacuous there (as in test_tape.cpp).
inline std::size_t heap_bytes_in_use() {
    return mallinfo2().uordblks;
}

/// Runs `step(tape)` 50 times on one tape, rewinding it before each: `step` records the graph
/// (fresh ops, as a training loop writes them), zeroes the gradients it needs and calls
/// backward. From the second step on, every node's output must stay in the same buffer, and
/// the heap in use after the last step must equal what it was after the second (nothing grows
/// or is allocated anew at size from step to step).
template <class Step>
void check_replay_allocates_nothing(Step&& step) {
    Tape tape;
    std::vector<const double*> outputs;
    std::size_t after_warm_up = 0;
    for (int i = 1; i <= 50; ++i) {
        tape.rewind();
        step(tape);
        if (i == 2) {
            after_warm_up = heap_bytes_in_use();
            for (std::size_t n = 0; n < tape.size(); ++n)
                outputs.push_back(tape.node(n).output().value().data());
        }
        if (i > 2) {
            BOOST_TEST_REQUIRE(tape.size() == outputs.size());
            for (std::size_t n = 0; n < tape.size(); ++n)
                BOOST_TEST(tape.node(n).output().value().data() == outputs[n],
                           "node " << n << " moved its output at step " << i);
        }
    }
    BOOST_TEST(heap_bytes_in_use() == after_warm_up);
}

}  // namespace tapegrad::test
