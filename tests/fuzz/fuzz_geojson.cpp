// libFuzzer entry point: GeoJSON bytes through io::read_vector, repair and overlay.
// The body lives in fuzz_targets.hpp so tests/cpp/test_fuzz_regressions.cpp replays the same code.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    furthest::fuzz::run_one(furthest::fuzz::geojson_target, data, size);
    return 0;
}
