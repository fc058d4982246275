// Seeded random streams, one per draw: a draw's numbers depend on (seed, draw index) alone, so
// results are the same for any thread count and any batch size.
#pragma once

#include <cstdint>
#include <random>

namespace furthest::core {

/// The generator of draw `draw` of a run seeded with `seed`.
inline std::mt19937_64 generator_for(std::uint64_t seed, std::uint64_t draw) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), static_cast<std::uint32_t>(draw),
                      static_cast<std::uint32_t>(draw >> 32), 0x5c0e1u};
    return std::mt19937_64(seq);
}

}  // namespace furthest::core
