#include "core/parallel.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace furthest::core {

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

}  // namespace furthest::core
