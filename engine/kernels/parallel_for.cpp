#include "engine/kernels/parallel_for.hpp"

#include <cblas.h>  // openblas_set_num_threads: this file includes no xtensor-blas header

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tapegrad {

namespace {

/// True on a thread while it runs a body: a parallel_for there runs inline.
thread_local bool inside_body = false;

std::size_t default_threads() {
    if (const char* env = std::getenv("TAPEGRAD_NUM_THREADS")) {
        char* end = nullptr;
        const unsigned long n = std::strtoul(env, &end, 10);
        if (end != env && *end == '\0' && n >= 1) return static_cast<std::size_t>(n);
    }
    // OpenBLAS's own count (OPENBLAS_NUM_THREADS, else the cores): the two never disagree.
    return static_cast<std::size_t>(std::max(1, openblas_get_num_threads()));
}

/// How long an idle worker keeps looking for the next call before it sleeps: the ops'
/// parallel loops come a few microseconds to a few milliseconds apart within a step, and a
/// sleeping thread takes tens of microseconds to wake. Kept short, so that a waiting worker
/// does not hold a core that a BLAS call between two loops could use.
constexpr std::chrono::microseconds spin_time{50};

void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

/// Spins until done() or spin_time has passed; returns done().
template <class Done>
bool spin_until(Done done) {
    const auto until = std::chrono::steady_clock::now() + spin_time;
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (done()) return true;
            spin_pause();
        }
        if (std::chrono::steady_clock::now() >= until) return done();
    }
}

/// threads() - 1 workers; the calling thread is the last pair of hands. Ranges are handed
/// out under one mutex (there are at most threads() of them per call).
class Pool {
public:
    explicit Pool(std::size_t threads) { start(threads); }
    ~Pool() { stop(); }
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    std::size_t threads() const { return threads_; }

    void resize(std::size_t threads) {
        std::lock_guard<std::mutex> call(call_mutex_);
        if (threads == threads_) return;
        stop();
        start(threads);
    }

    void run(std::size_t count, std::size_t ranges, detail::RangeBody body) {
        std::lock_guard<std::mutex> call(call_mutex_);
        const int blas_threads = openblas_get_num_threads();
        if (blas_threads > 1) openblas_set_num_threads(1);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            job_ = Job{body, count, ranges};
            next_ = 0;
            error_ = nullptr;
            remaining_.store(ranges, std::memory_order_relaxed);
            generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
        {
            std::unique_lock<std::mutex> lock(mutex_);
            work(lock);
        }
        if (!spin_until([&] { return remaining_.load(std::memory_order_acquire) == 0; })) {
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, [&] { return remaining_.load(std::memory_order_acquire) == 0; });
        }
        std::exception_ptr error;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            error = error_;
        }
        if (blas_threads > 1) openblas_set_num_threads(blas_threads);
        if (error) std::rethrow_exception(error);
    }

private:
    struct Job {
        detail::RangeBody body{nullptr, nullptr};
        std::size_t count = 0;
        std::size_t ranges = 0;
    };

    void start(std::size_t threads) {
        threads_ = std::max<std::size_t>(1, threads);
        stopping_ = false;
        // The generation is read here, not when a worker first runs: no call is in flight now
        // (start runs in the constructor or under call_mutex_), and a worker that starts late
        // must still see the first call after this one as new.
        const std::uint64_t now = generation_.load(std::memory_order_acquire);
        for (std::size_t w = 1; w < threads_; ++w)
            workers_.emplace_back([this, now] { worker(now); });
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (std::thread& t : workers_) t.join();
        workers_.clear();
    }

    /// Takes ranges of the current job until none is left; mutex_ is held except while a
    /// body runs.
    void work(std::unique_lock<std::mutex>& lock) {
        while (next_ < job_.ranges) {
            const std::size_t r = next_++;
            const Job job = job_;
            lock.unlock();
            const std::size_t begin = r * job.count / job.ranges;
            const std::size_t end = (r + 1) * job.count / job.ranges;
            std::exception_ptr error;
            inside_body = true;
            try {
                job.body.call(job.body.body, begin, end, r);
            } catch (...) {
                error = std::current_exception();
            }
            inside_body = false;
            lock.lock();
            if (error && !error_) error_ = error;
            if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) done_.notify_all();
        }
    }

    void worker(std::uint64_t seen) {
        for (;;) {
            spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] {
                return stopping_ || generation_.load(std::memory_order_relaxed) != seen;
            });
            if (stopping_) return;
            seen = generation_.load(std::memory_order_relaxed);
            work(lock);
        }
    }

    std::mutex call_mutex_;  // one call (or resize) at a time
    std::mutex mutex_;       // the job, next_, error_, stopping_
    std::condition_variable wake_;
    std::condition_variable done_;
    std::vector<std::thread> workers_;
    std::size_t threads_ = 1;
    bool stopping_ = false;
    Job job_;
    std::size_t next_ = 0;
    std::exception_ptr error_;
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<std::size_t> remaining_{0};
};

/// The thread count, read without making the pool; the pool is made on the first call that
/// needs more than one thread.
std::atomic<std::size_t>& thread_setting() {
    static std::atomic<std::size_t> setting{default_threads()};
    return setting;
}

Pool& pool() {
    static Pool p(thread_setting().load());
    return p;
}

}  // namespace

void set_threads(std::size_t n) {
    n = std::max<std::size_t>(1, n);
    thread_setting().store(n);
    pool().resize(n);
    openblas_set_num_threads(static_cast<int>(n));
}

std::size_t threads() {
    return thread_setting().load();
}

namespace detail {

std::size_t range_count(std::size_t count, std::size_t grain) {
    if (inside_body) return 1;
    const std::size_t g = std::max<std::size_t>(1, grain);
    const std::size_t most = count / g;  // ranges of at least `grain` items
    return std::max<std::size_t>(1, std::min(threads(), most));
}

void run_ranges(std::size_t count, std::size_t ranges, RangeBody body) {
    Pool& p = pool();
    if (p.threads() < ranges) ranges = p.threads();
    if (ranges <= 1) {
        inside_body = true;
        try {
            body.call(body.body, 0, count, 0);
        } catch (...) {
            inside_body = false;
            throw;
        }
        inside_body = false;
        return;
    }
    p.run(count, ranges, body);
}

}  // namespace detail

}  // namespace tapegrad
