// Work on a few threads: contiguous blocks (stoppable between blocks), or many small chunks
// (stoppable within a chunk's time, with progress).
#pragma once

#include "furthest/control.hpp"

#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>

namespace furthest::core {

/// Worker count for `requested` (0 = hardware threads), never more than `items`.
int worker_count(int requested, std::size_t items);

/// Run `work(begin, end)` over [0, n) in contiguous blocks on `threads` workers. Each block's
/// output goes to its own slot, so results do not depend on scheduling. Rethrows the first
/// exception (lowest block). With a `stop` token, a worker does not start its block once a
/// stop is requested (the caller checks the token afterwards and throws Stopped).
void parallel_blocks(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& work,
                     std::stop_token stop = {});

/// Run `work(begin, end)` over [0, n) in small chunks (at most ~1000, in order) handed out to
/// `threads` workers as each finishes its last, so a stop takes effect within one chunk's time
/// and long steps balance. `work` must write only to its own items' slots: results then do not
/// depend on the thread count or scheduling. The calling thread is one of the workers and the
/// only one that reports: `step` at 0, done items / n about every 0.1 s, and 1 at the end (for a
/// silent step pass `Control{control.stop, {}}`). Throws Stopped naming `step` when a stop was
/// requested; otherwise rethrows the exception of the lowest failing chunk, which is the same on
/// every run (every chunk below it has been handed out and run).
void parallel_chunks(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& work,
                     const Control& control, const std::string& step);

}  // namespace furthest::core
