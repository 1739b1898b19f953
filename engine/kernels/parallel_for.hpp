#pragma once
/// parallel_for: the engine's one way to run a loop on several cores.
///
///     parallel_for(count, grain, body)   runs body(begin, end) over [0, count) in ranges
///     parallel_for(count, grain, body)   or body(begin, end, range), range = 0 .. ranges - 1
///
/// The items 0 .. count-1 are cut into at most threads() contiguous ranges of at least `grain`
/// items each (range r is [r * count / R, (r + 1) * count / R)); the calling thread and the
/// pool's workers take the ranges, and the call returns when every range is done. With one range
/// (one thread, or count <= grain) body runs on the calling thread and nothing else happens.
///
/// The ops use it so that their results do not depend on the thread count, bit for bit: each
/// item (a row, a head, a block of elements) is computed whole by one thread, in the same order
/// as on one thread, and a sum over items is either split by columns (each thread a column's
/// whole sum) or kept per item and added up afterwards in item order. The `range` argument
/// picks a per-range scratch buffer (CausalAttention's dP is [threads(), T, T]).
///
/// BLAS inside a body: while a call runs on more than one thread, OpenBLAS is set to one thread
/// (and set back afterwards), so a gemm in a body does not start threads of its own on cores
/// the other ranges are using.
///
/// The first exception a body throws is rethrown by parallel_for once every range has ended.
/// A parallel_for inside a body runs on its calling thread alone (no nesting). One pool per
/// process, made on first use; calls from several threads at once are taken one at a time.

#include <cstddef>
#include <type_traits>
#include <utility>

namespace tapegrad {

/// The number of threads parallel_for uses, and OpenBLAS's: set_threads(n) sets both (n >= 1;
/// 0 is taken as 1). The default is the TAPEGRAD_NUM_THREADS environment variable if set, else
/// OpenBLAS's count (OPENBLAS_NUM_THREADS if set, else the number of cores).
void set_threads(std::size_t n);
std::size_t threads();

/// The grain for items of `values` doubles each (a row of C, a column over all rows): ranges of
/// at least 8192 values, a few microseconds of work, well above the cost of handing a range to
/// another thread (a microsecond or two when it is awake, tens when it sleeps).
inline std::size_t grain_for(std::size_t values) {
    constexpr std::size_t values_per_range = 8192;
    return values == 0 ? values_per_range : (values_per_range + values - 1) / values;
}

namespace detail {

/// The body as the pool sees it: a call with (begin, end, range).
struct RangeBody {
    void* body;
    void (*call)(void* body, std::size_t begin, std::size_t end, std::size_t range);
};

/// Runs the ranges of [0, count) (see parallel_for) and waits for them.
void run_ranges(std::size_t count, std::size_t ranges, RangeBody body);

/// The number of ranges parallel_for cuts count items into with this grain.
std::size_t range_count(std::size_t count, std::size_t grain);

}  // namespace detail

template <class Body>
void parallel_for(std::size_t count, std::size_t grain, Body&& body) {
    using B = std::remove_reference_t<Body>;
    constexpr bool with_range = std::is_invocable_v<B&, std::size_t, std::size_t, std::size_t>;
    static_assert(with_range || std::is_invocable_v<B&, std::size_t, std::size_t>,
                  "parallel_for: body must take (begin, end) or (begin, end, range)");
    if (count == 0) return;
    const std::size_t ranges = detail::range_count(count, grain);
    if (ranges <= 1) {
        if constexpr (with_range) {
            body(std::size_t{0}, count, std::size_t{0});
        } else {
            body(std::size_t{0}, count);
        }
        return;
    }
    detail::RangeBody erased{static_cast<void*>(&body),
                             [](void* b, std::size_t begin, std::size_t end, std::size_t range) {
                                 B& f = *static_cast<B*>(b);
                                 if constexpr (with_range) {
                                     f(begin, end, range);
                                 } else {
                                     (void)range;
                                     f(begin, end);
                                 }
                             }};
    detail::run_ranges(count, ranges, erased);
}

}  // namespace tapegrad
