// libFuzzer entry point: arbitrary bytes as a CSV file in any encoding (io::detect_encoding,
// io::to_utf8 and the recoding read_table does). The body lives in fuzz_targets.hpp so
// tests/cpp/test_fuzz_regressions.cpp replays the same code.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    furthest::fuzz::run_one(furthest::fuzz::encoding_target, data, size);
    return 0;
}
