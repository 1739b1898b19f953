#include "engine/kernels/parallel_for.hpp"

#include <cblas.h>  // openblas_get_num_threads (no xtensor-blas header in this file)

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(test_parallel_for)

using namespace tapegrad;

/// Each case sets its own thread count and puts the old one back.
struct KeepThreads {
    std::size_t before = threads();
    ~KeepThreads() { set_threads(before); }
};

/// What one call did: the ranges it ran, as (begin, end) in range order, and on which threads.
struct Record {
    std::mutex m;
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    std::vector<std::thread::id> ids;

    void add(std::size_t begin, std::size_t end, std::size_t range) {
        std::lock_guard<std::mutex> lock(m);
        if (ranges.size() <= range) {
            ranges.resize(range + 1, {0, 0});
            ids.resize(range + 1);
        }
        ranges[range] = {begin, end};
        ids[range] = std::this_thread::get_id();
    }
};

BOOST_FIXTURE_TEST_CASE(every_item_runs_once_in_contiguous_ranges_on_two_threads, KeepThreads) {
    set_threads(2);
    BOOST_TEST(threads() == 2u);
    const std::size_t count = 1001;  // not a multiple of the thread count
    std::vector<int> seen(count, 0);
    Record record;
    parallel_for(count, 1, [&](std::size_t begin, std::size_t end, std::size_t range) {
        for (std::size_t i = begin; i < end; ++i) seen[i] += 1;
        record.add(begin, end, range);
    });
    for (std::size_t i = 0; i < count; ++i) BOOST_TEST(seen[i] == 1, "item " << i);
    // range r is [r * count / 2, (r + 1) * count / 2)
    BOOST_TEST_REQUIRE(record.ranges.size() == 2u);
    BOOST_TEST(record.ranges[0].first == 0u);
    BOOST_TEST(record.ranges[0].second == 500u);
    BOOST_TEST(record.ranges[1].first == 500u);
    BOOST_TEST(record.ranges[1].second == 1001u);
}

BOOST_FIXTURE_TEST_CASE(ranges_run_on_two_threads_at_once, KeepThreads) {
    set_threads(2);
    // Each range waits until the other has started: this ends only if both run at once.
    std::atomic<int> started{0};
    Record record;
    parallel_for(2, 1, [&](std::size_t begin, std::size_t end, std::size_t range) {
        started.fetch_add(1);
        while (started.load() < 2) std::this_thread::yield();
        record.add(begin, end, range);
    });
    BOOST_TEST_REQUIRE(record.ids.size() == 2u);
    BOOST_TEST((record.ids[0] != record.ids[1]));
}

BOOST_FIXTURE_TEST_CASE(no_range_is_smaller_than_the_grain, KeepThreads) {
    set_threads(2);
    Record record;
    // 15 items, grain 8: two ranges would hold 7 and 8, so one range of 15 runs here
    parallel_for(15, 8, [&](std::size_t b, std::size_t e, std::size_t r) { record.add(b, e, r); });
    BOOST_TEST_REQUIRE(record.ranges.size() == 1u);
    BOOST_TEST(record.ranges[0].second == 15u);
    BOOST_TEST((record.ids[0] == std::this_thread::get_id()));
    Record two;
    parallel_for(16, 8, [&](std::size_t b, std::size_t e, std::size_t r) { two.add(b, e, r); });
    BOOST_TEST(two.ranges.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(one_thread_runs_the_body_once_on_the_calling_thread, KeepThreads) {
    set_threads(1);
    std::vector<std::pair<std::size_t, std::size_t>> calls;  // (begin, end) without a range
    std::thread::id where;
    parallel_for(100, 1, [&](std::size_t begin, std::size_t end) {
        calls.emplace_back(begin, end);
        where = std::this_thread::get_id();
    });
    BOOST_TEST_REQUIRE(calls.size() == 1u);
    BOOST_TEST(calls[0].first == 0u);
    BOOST_TEST(calls[0].second == 100u);
    BOOST_TEST((where == std::this_thread::get_id()));
    int runs = 0;
    parallel_for(0, 1, [&](std::size_t, std::size_t) { ++runs; });  // nothing to do
    BOOST_TEST(runs == 0);
}

BOOST_FIXTURE_TEST_CASE(zero_threads_is_taken_as_one, KeepThreads) {
    set_threads(0);
    BOOST_TEST(threads() == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_exception_reaches_the_caller_after_every_range_ended, KeepThreads) {
    set_threads(2);
    std::atomic<int> finished{0};
    BOOST_CHECK_THROW(parallel_for(2, 1,
                                   [&](std::size_t begin, std::size_t, std::size_t) {
                                       if (begin == 0) throw std::runtime_error("range 0");
                                       std::this_thread::sleep_for(std::chrono::milliseconds(20));
                                       finished.fetch_add(1);
                                   }),
                      std::runtime_error);
    BOOST_TEST(finished.load() == 1);  // the other range had ended before the throw came back
    // and the pool still works
    std::atomic<std::size_t> sum{0};
    parallel_for(100, 1, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) sum.fetch_add(i);
    });
    BOOST_TEST(sum.load() == 4950u);
}

BOOST_FIXTURE_TEST_CASE(a_parallel_for_inside_a_body_runs_on_its_thread, KeepThreads) {
    set_threads(2);
    std::atomic<int> inner_calls{0};
    std::atomic<bool> inner_elsewhere{false};
    parallel_for(2, 1, [&](std::size_t, std::size_t) {
        const std::thread::id outer = std::this_thread::get_id();
        parallel_for(100, 1, [&](std::size_t begin, std::size_t end) {
            inner_calls.fetch_add(1);
            if (begin != 0 || end != 100 || std::this_thread::get_id() != outer)
                inner_elsewhere = true;
        });
    });
    BOOST_TEST(inner_calls.load() == 2);  // once per outer range, whole
    BOOST_TEST(!inner_elsewhere.load());
}

BOOST_FIXTURE_TEST_CASE(blas_runs_on_one_thread_inside_a_body_and_gets_its_count_back,
                        KeepThreads) {
    set_threads(2);
    BOOST_TEST(openblas_get_num_threads() == 2);
    std::atomic<int> most_inside{0};
    parallel_for(2, 1, [&](std::size_t, std::size_t) {
        const int n = openblas_get_num_threads();
        int seen = most_inside.load();
        while (n > seen && !most_inside.compare_exchange_weak(seen, n)) {
        }
    });
    BOOST_TEST(most_inside.load() == 1);
    BOOST_TEST(openblas_get_num_threads() == 2);
    set_threads(1);
    BOOST_TEST(openblas_get_num_threads() == 1);
}

BOOST_FIXTURE_TEST_CASE(many_calls_in_a_row_each_see_every_item, KeepThreads) {
    set_threads(2);
    // Workers that sleep and workers that are still spinning both pick up the next call.
    std::vector<int> seen(64, 0);
    for (int call = 0; call < 2000; ++call) {
        parallel_for(seen.size(), 1, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) seen[i] += 1;
        });
        if (call % 500 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (std::size_t i = 0; i < seen.size(); ++i) BOOST_TEST(seen[i] == 2000, "item " << i);
}

BOOST_AUTO_TEST_SUITE_END()
