// libFuzzer entry point: CSV bytes through io::read_table, then numeric_values and key_text on every column.
// The body lives in fuzz_targets.hpp so tests/cpp/test_fuzz_regressions.cpp replays the same code.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    furthest::fuzz::run_one(furthest::fuzz::table_target, data, size);
    return 0;
}
