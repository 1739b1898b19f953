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
/// Exact only with glibc's per-thread cache off, GLIBC_TUNABLES=glibc.malloc.tcache_count=0,
/// as ctest runs the suites (tests/CMakeLists.txt): the count includes the cache's chunks.
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
    std::size_t after_warm_up = 0, moved = 0, first_moved_node = 0;
    int first_moved_step = 0;
    bool same_size = true;
    for (int i = 1; i <= 50; ++i) {
        tape.rewind();
        step(tape);
        if (i == 2) {
            outputs.reserve(tape.size());
            for (std::size_t n = 0; n < tape.size(); ++n)
                outputs.push_back(tape.node(n).output().value().data());
            after_warm_up = heap_bytes_in_use();  // with `outputs` held
        }
        if (i > 2) {
            // Counted here, asserted after the loop: Boost.Test's own bookkeeping of a passing
            // assertion can take heap (measured: ~1 KiB over 1,200 of them), which is not ours.
            same_size = same_size && tape.size() == outputs.size();
            for (std::size_t n = 0; n < tape.size() && n < outputs.size(); ++n) {
                if (tape.node(n).output().value().data() == outputs[n]) continue;
                if (moved++ == 0) {
                    first_moved_node = n;
                    first_moved_step = i;
                }
            }
        }
    }
    const std::size_t at_the_end = heap_bytes_in_use();
    BOOST_TEST(same_size, "the replayed tape changed its number of nodes");
    BOOST_TEST(moved == 0u, moved << " node outputs moved, first node " << first_moved_node
                                  << " at step " << first_moved_step);
    BOOST_TEST(at_the_end == after_warm_up);
}

}  // namespace tapegrad::test
