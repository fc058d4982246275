#include "core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace furthest::core {
namespace {

// At most this many chunks: on national data (33,755 zones, 34 a chunk) a chunk of overlay or
// repair takes milliseconds, so a stop is seen at once; per-chunk set-up (a GEOS context) is noise.
constexpr std::size_t kMaxChunks = 1024;
constexpr auto kReportEvery = std::chrono::milliseconds(100);

}  // namespace

int worker_count(int requested, std::size_t items) {
    int threads = requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(threads), items)));
}

void parallel_blocks(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& work,
                     std::stop_token stop) {
    const int workers = worker_count(threads, n);
    if (workers <= 1) {
        if (!stop.stop_requested()) work(0, n);
        return;
    }
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(workers));
    std::vector<std::thread> pool;
    const std::size_t block = (n + static_cast<std::size_t>(workers) - 1) / static_cast<std::size_t>(workers);
    for (int w = 0; w < workers; ++w) {
        const std::size_t begin = std::min(n, static_cast<std::size_t>(w) * block);
        const std::size_t end = std::min(n, begin + block);
        pool.emplace_back([&, w, begin, end] {
            if (stop.stop_requested()) return;
            try {
                work(begin, end);
            } catch (...) {
                failures[static_cast<std::size_t>(w)] = std::current_exception();
            }
        });
    }
    for (auto& t : pool) t.join();
    for (auto& failure : failures)
        if (failure) std::rethrow_exception(failure);
}

void parallel_chunks(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& work,
                     const Control& control, const std::string& step) {
    control.check(step);
    control.report(step, 0.0);
    const std::size_t size = std::max<std::size_t>(1, (n + kMaxChunks - 1) / kMaxChunks);
    const std::size_t chunks = (n + size - 1) / size;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::atomic<std::size_t> lowest_failure{chunks};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    // Chunks are handed out in order and a chunk above the lowest failure is not started, so every
    // chunk below the lowest failure runs whatever the timing: the error reported is the same.
    auto take_chunks = [&](bool reporter) {
        auto last_report = std::chrono::steady_clock::now();
        while (!control.stop_requested()) {
            const std::size_t c = next.fetch_add(1);
            if (c >= chunks || c > lowest_failure.load()) return;
            const std::size_t begin = c * size, end = std::min(n, begin + size);
            try {
                work(begin, end);
                const std::size_t finished = done.fetch_add(end - begin) + (end - begin);
                if (reporter && std::chrono::steady_clock::now() - last_report >= kReportEvery) {
                    last_report = std::chrono::steady_clock::now();
                    control.report(step, static_cast<double>(finished) / static_cast<double>(n));
                }
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (c < lowest_failure.load()) {
                    lowest_failure = c;
                    failure = std::current_exception();
                }
                return;
            }
        }
    };
    {
        std::vector<std::jthread> helpers;
        for (int w = 1; w < worker_count(threads, chunks); ++w) helpers.emplace_back(take_chunks, false);
        take_chunks(true);
    }  // joined here
    control.check(step);
    if (failure) std::rethrow_exception(failure);
    control.report(step, 1.0);
}

}  // namespace furthest::core
