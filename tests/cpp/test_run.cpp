#include "furthest/furthest.hpp"

#include "fixtures.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace furthest;

namespace {

RunConfig demo_config(const std::filesystem::path& output) {
    RunConfig config = load_config(fixtures::demo_dir() / "demo.toml");
    config.output.path = output;
    return config;
}

std::string bytes_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST(Run, DemoWritesEveryLayerAndAManifest) {
    const auto dir = fixtures::scratch("demo");
    const RunResult result = run(demo_config(dir / "furthton.gpkg"));
    EXPECT_EQ(result.zones.rows(), 300u);
    EXPECT_EQ(result.areas.rows(), 6u);
    EXPECT_EQ(result.partners.rows(), 25u);
    ASSERT_TRUE(std::filesystem::exists(dir / "furthton.gpkg"));
    ASSERT_TRUE(std::filesystem::exists(dir / "furthton.manifest.json"));

    GDALAllRegister();
    GDALDatasetUniquePtr gpkg(GDALDataset::Open((dir / "furthton.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(gpkg);
    for (const char* name : {"zones", "areas", "partners", "zone_areas"}) {
        OGRLayer* layer = gpkg->GetLayerByName(name);
        ASSERT_NE(layer, nullptr) << name;
    }
    OGRLayer* zones = gpkg->GetLayerByName("zones");
    EXPECT_EQ(zones->GetFeatureCount(), 300);
    for (const char* column : {"zone_code", "imd_score", "score", "rank", "decile", "area_id", "area_share"})
        EXPECT_GE(zones->GetLayerDefn()->GetFieldIndex(column), 0) << column;
    EXPECT_EQ(zones->GetSpatialRef()->GetAuthorityCode(nullptr), std::string("27700"));

    // Every zone's overlap shares sum to its coverage, and every zone has a main area.
    const auto& area_id = result.zones.at("area_id");
    for (std::size_t z = 0; z < 300; ++z) EXPECT_TRUE(area_id.is_valid(z));
    const std::string manifest = bytes_of(dir / "furthton.manifest.json");
    EXPECT_NE(manifest.find("\"sha256\""), std::string::npos);
    EXPECT_NE(manifest.find(FURTHEST_VERSION), std::string::npos);
}

TEST(Run, FailedRunLeavesEarlierOutputsUntouched) {
    const auto dir = fixtures::scratch("atomic");
    const auto output = dir / "furthton.gpkg";
    run(demo_config(output));
    const std::string before = bytes_of(output);
    RunConfig broken = demo_config(output);
    broken.indicators[0].column = "no_such_column";
    EXPECT_THROW(run(broken), InputError);
    EXPECT_EQ(bytes_of(output), before);
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
}

TEST(Run, GeoPackageIsByteIdenticalForOneOrTwoThreads) {
    const auto dir = fixtures::scratch("threads");
    RunConfig one = demo_config(dir / "one.gpkg");
    one.threads = 1;
    RunConfig two = demo_config(dir / "two.gpkg");
    two.threads = 2;
    run(one);
    run(two);
    EXPECT_EQ(bytes_of(dir / "one.gpkg"), bytes_of(dir / "two.gpkg"));
}

TEST(Run, ValidateWritesNothing) {
    const auto dir = fixtures::scratch("validate");
    const RunResult result = validate(demo_config(dir / "never.gpkg"));
    EXPECT_EQ(result.zones.rows(), 300u);
    EXPECT_FALSE(std::filesystem::exists(dir / "never.gpkg"));
    EXPECT_TRUE(result.output_path.empty());
}

TEST(RunRealData, LeedsWardsScoreEveryLsoa) {
    const auto data = fixtures::shared_data();
    if (data.empty()) GTEST_SKIP() << "shared open data not found (set FURTHEST_DATA)";
    ::setenv("FURTHEST_DATA", data.c_str(), 1);
    RunConfig config = load_config(fixtures::source_dir() / "examples" / "leeds_wards.toml");
    const RunResult result = validate(config);
    ASSERT_EQ(result.zones.rows(), 488u);  // every 2021 LSOA in Leeds, none lost
    EXPECT_EQ(result.areas.rows(), 33u);
    const auto& share = std::get<Column::Reals>(result.zones.at("area_share").values);
    const auto& coverage = std::get<Column::Reals>(result.zones.at("area_coverage").values);
    std::size_t shortfalls = 0;
    for (std::size_t z = 0; z < 488; ++z) {
        EXPECT_GT(share[z], 0.0);
        EXPECT_LE(share[z], coverage[z] + 1e-12);
        EXPECT_LE(coverage[z], 1.0 + 1e-9);
        if (coverage[z] < 1.0 - 1e-6) ++shortfalls;
    }
    // Gaps between independently generalised boundaries are reported, not hidden.
    EXPECT_NE(result.manifest_json.find("\"zones_with_coverage_shortfall\": " + std::to_string(shortfalls)), std::string::npos);
}
