// Contiguous blocks of work on a few threads, stoppable between blocks.
#pragma once

#include <cstddef>
#include <functional>
#include <stop_token>

namespace furthest::core {

/// Worker count for `requested` (0 = hardware threads), never more than `items`.
int worker_count(int requested, std::size_t items);

/// Run `work(begin, end)` over [0, n) in contiguous blocks on `threads` workers. Each block's
/// output goes to its own slot, so results do not depend on scheduling. Rethrows the first
/// exception (lowest block). With a `stop` token, a worker does not start its block once a
/// stop is requested (the caller checks the token afterwards and throws Stopped).
void parallel_blocks(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& work,
                     std::stop_token stop = {});

}  // namespace furthest::core
