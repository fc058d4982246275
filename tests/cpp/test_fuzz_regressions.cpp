// Replays every fuzz seed (tests/fuzz/corpus/<target>/) and every input a fuzzer once crashed on
// (tests/fuzz/regressions/<target>/) through the harness bodies, without libFuzzer, so the
// ordinary and sanitizer test runs keep them fixed. Each input must give a result or a
// furthest::Error; seeds named ok_* must be accepted and err_* refused (tests/fuzz/make_corpus.py).
#include "../fuzz/fuzz_targets.hpp"
#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace furthest;

namespace {

struct FuzzTarget {
    const char* name;
    fuzz::Target target;
};

std::vector<std::filesystem::path> inputs_of(const std::string& target) {
    std::vector<std::filesystem::path> files;
    for (const char* folder : {"corpus", "regressions"}) {
        const auto dir = fixtures::source_dir() / "tests" / "fuzz" / folder / target;
        if (!std::filesystem::is_directory(dir)) continue;
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // a stable order for readable failures
    return files;
}

std::string bytes_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzReplay : public ::testing::TestWithParam<FuzzTarget> {};

}  // namespace

TEST_P(FuzzReplay, EveryInputGivesAResultOrAFurthestError) {
    const auto files = inputs_of(GetParam().name);
    // The seed corpora hold at least ten inputs each; fewer means the folder went missing.
    ASSERT_GE(files.size(), 10u) << "seed corpus for " << GetParam().name << " not found";
    std::size_t accepted = 0, refused = 0;
    for (const auto& file : files) {
        SCOPED_TRACE(file.string());
        const std::string bytes = bytes_of(file);
        const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
        fuzz::Outcome outcome{};
        try {
            outcome = fuzz::run_one(GetParam().target, data, bytes.size());
        } catch (const std::exception& e) {
            ADD_FAILURE() << "not a furthest::Error: " << e.what();
            continue;
        }
        (outcome == fuzz::Outcome::Accepted ? accepted : refused) += 1;
        const std::string name = file.filename().string();
        if (name.rfind("ok_", 0) == 0) {
            EXPECT_EQ(outcome, fuzz::Outcome::Accepted) << "seed marked ok_ was refused";
        } else if (name.rfind("err_", 0) == 0) {
            EXPECT_EQ(outcome, fuzz::Outcome::Refused) << "seed marked err_ was accepted";
        }
    }
    // Both outcomes occur in every corpus: the replay reaches the engine, not only its guards.
    EXPECT_GT(accepted, 0u);
    EXPECT_GT(refused, 0u);
}

INSTANTIATE_TEST_SUITE_P(Fuzz, FuzzReplay,
                         ::testing::Values(FuzzTarget{"config", fuzz::config_target}, FuzzTarget{"number", fuzz::number_target},
                                           FuzzTarget{"table", fuzz::table_target}, FuzzTarget{"encoding", fuzz::encoding_target},
                                           FuzzTarget{"wkb", fuzz::wkb_target}, FuzzTarget{"geojson", fuzz::geojson_target}),
                         [](const ::testing::TestParamInfo<FuzzTarget>& param) { return std::string(param.param.name); });

// A regression too big to keep as a file: WKB nesting 200,000 GeometryCollections around one
// square (1.8 MB). Unbounded recursion in a WKB reader overflows the stack; it must be refused.
TEST(FuzzRegression, DeeplyNestedCollectionsAreRefusedNotAStackOverflow) {
    std::string wkb;
    const char collection_of_one[] = {'\x01', '\x07', '\x00', '\x00', '\x00', '\x01', '\x00', '\x00', '\x00'};
    for (int level = 0; level < 200000; ++level) wkb.append(collection_of_one, sizeof collection_of_one);
    wkb += fuzz::unit_square_wkb();
    const auto* data = reinterpret_cast<const std::uint8_t*>(wkb.data());
    EXPECT_EQ(fuzz::run_one(fuzz::wkb_target, data, wkb.size()), fuzz::Outcome::Refused);
}
