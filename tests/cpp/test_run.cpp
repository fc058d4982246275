#include "fixtures.hpp"
#include "furthest/furthest.hpp"
#include "io/readers.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stop_token>
#include <thread>

using namespace furthest;

namespace {

using fixtures::demo_config;

std::string io_key(const Column& column, std::size_t row) { return io::key_text(column, row); }

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
    EXPECT_EQ(result.table("zones").rows(), 300u);
    EXPECT_EQ(result.table("areas").rows(), 6u);
    EXPECT_EQ(result.table("partners").rows(), 25u);
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
    const auto& area_id = result.table("zones").at("area_id");
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
    EXPECT_EQ(result.table("zones").rows(), 300u);
    EXPECT_FALSE(std::filesystem::exists(dir / "never.gpkg"));
    EXPECT_TRUE(result.output_path.empty());
}

TEST(RunRealData, LeedsWardsScoreEveryLsoa) {
    const auto data = fixtures::shared_data();
    if (data.empty()) GTEST_SKIP() << "shared open data not found (set FURTHEST_DATA)";
    ::setenv("FURTHEST_DATA", data.c_str(), 1);
    RunConfig config = load_config(fixtures::source_dir() / "examples" / "leeds_wards.toml");
    const RunResult result = validate(config);
    ASSERT_EQ(result.table("zones").rows(), 488u);  // every 2021 LSOA in Leeds, none lost
    EXPECT_EQ(result.table("areas").rows(), 33u);
    const auto& share = std::get<Column::Reals>(result.table("zones").at("area_share").values);
    const auto& coverage = std::get<Column::Reals>(result.table("zones").at("area_coverage").values);
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

// ---- the stages, the catalogue, the door ----------------------------------------------------

TEST(Run, CatalogueNamesEveryTableTheRunMakesInOrder) {
    const auto dir = fixtures::scratch("catalogue");
    const RunConfig config = demo_config(dir / "c.gpkg");
    const RunResult result = validate(config);
    const auto planned = output_tables(config);
    ASSERT_EQ(planned.size(), result.tables.size());
    for (std::size_t i = 0; i < planned.size(); ++i) {
        EXPECT_EQ(planned[i].name, result.tables[i].name);
        EXPECT_EQ(planned[i].name, result.catalogue[i].name);
        EXPECT_FALSE(planned[i].about.empty()) << planned[i].name;
    }
    // Without partners the partners table and its stage are not in the plan.
    RunConfig no_partners = config;
    no_partners.partners.clear();
    for (const auto& table : output_tables(no_partners)) EXPECT_NE(table.name, "partners");
    const auto stages = run_stages(no_partners);
    EXPECT_EQ(std::count(stages.begin(), stages.end(), "locating partners"), 0);
    EXPECT_EQ(stages.front(), "reading zones");
    EXPECT_EQ(stages.back(), "writing");
}

TEST(Run, ConfigEditedInCppCannotOverwriteAnInput) {
    const auto dir = fixtures::scratch("door");
    // A copy of the demo, so nothing of the repo's is at risk if the check failed.
    for (const auto& entry : std::filesystem::directory_iterator(fixtures::demo_dir()))
        std::filesystem::copy(entry.path(), dir / entry.path().filename(), std::filesystem::copy_options::overwrite_existing);
    RunConfig config = load_config(dir / "demo.toml");
    const std::string zones_before = bytes_of(dir / "zones.gpkg");
    config.output.path = dir / "sub" / ".." / "zones.gpkg";  // the zones input, through '..'
    EXPECT_THROW(run(config), ConfigError);
    EXPECT_EQ(bytes_of(dir / "zones.gpkg"), zones_before);
    EXPECT_FALSE(std::filesystem::exists(dir / "zones.manifest.json"));

    // Through a symbolic link to the zones.
    std::filesystem::create_symlink(dir / "zones.gpkg", dir / "link.gpkg");
    config.output.path = dir / "link.gpkg";
    EXPECT_THROW(validate(config), ConfigError);

    // The manifest of output a.gpkg is a.manifest.json: it may not overwrite an input either.
    std::filesystem::copy_file(dir / "demo.toml", dir / "a.manifest.json");
    config.indicators[0].path = dir / "a.manifest.json";
    config.output.path = dir / "a.gpkg";
    EXPECT_THROW(run(config), ConfigError);
}

TEST(Run, ConfigEditedInCppStaysInsideAllowedFolders) {
    const auto dir = fixtures::scratch("confined");
    RunConfig config = demo_config(dir / "out" / "x.gpkg");
    config.allowed_folders = {fixtures::demo_dir(), dir / "out"};
    EXPECT_NO_THROW(check_config(config));
    config.output.path = dir / "elsewhere" / "x.gpkg";
    EXPECT_THROW(run(config), ConfigError);
    EXPECT_FALSE(std::filesystem::exists(dir / "elsewhere"));
    config.output.path = dir / "out" / ".." / "x.gpkg";
    EXPECT_THROW(check_config(config), ConfigError);
}

TEST(Run, NetworkPathsAreRefusedAtTheDoorUnlessAllowed) {
    const auto dir = fixtures::scratch("network");
    RunConfig config = demo_config(dir / "x.gpkg");
    config.indicators[0].path = "/vsicurl/https://example.org/imd.csv";
    EXPECT_THROW(check_config(config), ConfigError);
    // A local file whose name merely contains a handler's name is local.
    config.indicators[0].path = dir / "vsigs-export.csv";
    EXPECT_NO_THROW(check_config(config));
    config.indicators[0].path = "/vsicurl/https://example.org/imd.csv";
    config.allow_network = true;
    EXPECT_NO_THROW(check_config(config));
}

TEST(Run, StopDuringAMillionDrawsEndsWithinASecondAndLeavesOutputsUntouched) {
    const auto dir = fixtures::scratch("stop");
    const auto output = dir / "furthton.gpkg";
    run(demo_config(output));
    const std::string before = bytes_of(output);
    const std::string manifest_before = bytes_of(dir / "furthton.manifest.json");

    RunConfig config = demo_config(output);
    config.scoring.uncertainty.draws = 1'000'000;
    std::stop_source source;
    RunOptions options;
    options.control.stop = source.get_token();
    std::vector<Progress> seen;
    std::mutex seen_mutex;
    options.control.progress = [&](const Progress& p) {
        std::lock_guard lock(seen_mutex);
        seen.push_back(p);
    };
    std::chrono::steady_clock::time_point asked;
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        asked = std::chrono::steady_clock::now();
        source.request_stop();
    });
    EXPECT_THROW(run(config, options), Stopped);
    const auto stopped = std::chrono::steady_clock::now();
    stopper.join();
    const double seconds = std::chrono::duration<double>(stopped - asked).count();
    EXPECT_LT(seconds, 1.0);
    EXPECT_EQ(bytes_of(output), before);
    EXPECT_EQ(bytes_of(dir / "furthton.manifest.json"), manifest_before);
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
    // Progress came with stage names and, inside the draws, fractions.
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front().step, "reading zones");
    EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](const Progress& p) { return p.fraction > 0.0 && p.fraction < 1.0; }));
}

TEST(Run, WarningsAreRecordsWithStageCodeAndIds) {
    const auto dir = fixtures::scratch("records");
    RunConfig config = demo_config(dir / "w.gpkg");
    // The demo's partners plus one in Edinburgh, far outside Furthton's zones.
    std::string partners = bytes_of(config.partners.front().path);
    partners += "P999,Far Away Hub,hub,1,1,-3.1883,55.9533\n";
    std::ofstream(dir / "partners.csv", std::ios::binary) << partners;
    config.partners.front().path = dir / "partners.csv";
    const RunResult result = validate(config);
    const auto found = std::find_if(result.warnings.begin(), result.warnings.end(),
                                    [](const RunWarning& w) { return w.code == "partners_outside_zones"; });
    ASSERT_NE(found, result.warnings.end());
    EXPECT_EQ(found->stage, "locating partners");
    EXPECT_EQ(found->ids, std::vector<std::string>{"row 26"});
    for (const auto& warning : result.warnings) {
        EXPECT_FALSE(warning.stage.empty()) << warning.message;
        EXPECT_FALSE(warning.code.empty()) << warning.message;
        EXPECT_FALSE(warning.message.empty());
    }
}

// ---- names, styles -----------------------------------------------------------------------

namespace {

std::vector<std::string> column_names(const Layer& table) {
    std::vector<std::string> names;
    for (const auto& column : table.columns) names.push_back(column.name);
    return names;
}

// The position of `name` in `names`, or -1.
long position(const std::vector<std::string>& names, const std::string& name) {
    const auto at = std::find(names.begin(), names.end(), name);
    return at == names.end() ? -1 : static_cast<long>(at - names.begin());
}

}  // namespace

TEST(Run, ZoneAndAreaNamesSitBesideTheirIds) {
    const auto dir = fixtures::scratch("names");
    const RunResult result = validate(demo_config(dir / "n.gpkg"));
    const auto zones = column_names(result.table("zones"));
    EXPECT_EQ(position(zones, "zone_name"), position(zones, "zone_code") + 1);
    for (const char* table : {"rollout", "zone_areas", "partners"}) {
        const auto names = column_names(result.table(table));
        EXPECT_EQ(position(names, "zone_name"), position(names, "zone_id") + 1) << table;
        EXPECT_EQ(position(names, "area_name"), position(names, "area_id") + 1) << table;
    }
    // [rollout.allocation] to = "areas": the recipients are areas.
    const auto allocation = column_names(result.table("allocation"));
    EXPECT_EQ(position(allocation, "area_name"), position(allocation, "recipient_id") + 1);

    // The rollout's names are the zones' own, row by row, whatever order the plan put them in.
    const Layer& rollout = result.table("rollout");
    const Layer& table = result.table("zones");
    std::map<std::string, std::string> name_of;
    for (std::size_t z = 0; z < table.rows(); ++z) name_of[io_key(table.at("zone_code"), z)] = io_key(table.at("zone_name"), z);
    for (std::size_t row = 0; row < rollout.rows(); ++row)
        EXPECT_EQ(io_key(rollout.at("zone_name"), row), name_of.at(io_key(rollout.at("zone_id"), row)));
    EXPECT_FALSE(io_key(rollout.at("zone_name"), 0).empty());
}

TEST(Run, AMissingZoneNameColumnNamesFileAndColumn) {
    const auto dir = fixtures::scratch("names-missing");
    RunConfig config = demo_config(dir / "n.gpkg");
    config.zones.name = "lsoa21_name";
    try {
        validate(config);
        FAIL() << "a missing name column was accepted";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("zones.gpkg"), std::string::npos) << message;
        EXPECT_NE(message.find("'lsoa21_name'"), std::string::npos) << message;
    }
}

TEST(Run, GeoPackageCarriesQgisStylesForItsLayers) {
    const auto dir = fixtures::scratch("styles");
    run(demo_config(dir / "furthton.gpkg"));
    GDALAllRegister();
    GDALDatasetUniquePtr gpkg(GDALDataset::Open((dir / "furthton.gpkg").c_str(), GDAL_OF_VECTOR));
    ASSERT_TRUE(gpkg);
    OGRLayer* styles = gpkg->GetLayerByName("layer_styles");
    ASSERT_NE(styles, nullptr);
    std::map<std::string, std::vector<std::pair<std::string, bool>>> by_table;  // table -> (style, default)
    std::map<std::string, std::string> qml_of, sld_of;
    for (auto& feature : *styles) {
        EXPECT_STREQ(feature->GetFieldAsString("f_table_schema"), "");
        EXPECT_STREQ(feature->GetFieldAsString("f_geometry_column"), "geometry");
        const std::string table = feature->GetFieldAsString("f_table_name");
        const std::string name = feature->GetFieldAsString("styleName");
        by_table[table].emplace_back(name, feature->GetFieldAsInteger("useAsDefault") == 1);
        qml_of[table + "/" + name] = feature->GetFieldAsString("styleQML");
        sld_of[table + "/" + name] = feature->GetFieldAsString("styleSLD");
    }
    // The demo has no hub sites; every other styled layer has exactly one default style.
    EXPECT_EQ(by_table.size(), 3u);
    for (const char* table : {"zones", "rollout", "area_waves"}) {
        const auto& list = by_table[table];
        EXPECT_EQ(std::count_if(list.begin(), list.end(), [](const auto& s) { return s.second; }), 1) << table;
    }
    EXPECT_EQ(by_table["zones"].size(), 2u);  // need decile (default) and the gap class

    // The QML parses, classes the zones by decile, 1 in the darkest red, 10 in the darkest blue.
    const std::string& qml = qml_of["zones/need decile"];
    CPLXMLNode* root = CPLParseXMLString(qml.c_str());
    ASSERT_NE(root, nullptr) << qml.substr(0, 200);
    // The parsed document is a list: the DOCTYPE, then <qgis>.
    const CPLXMLNode* renderer = nullptr;
    for (CPLXMLNode* node = root; node != nullptr && renderer == nullptr; node = node->psNext)
        renderer = CPLSearchXMLNode(node, "renderer-v2");
    ASSERT_NE(renderer, nullptr);
    EXPECT_STREQ(CPLGetXMLValue(renderer, "type", ""), "categorizedSymbol");
    EXPECT_STREQ(CPLGetXMLValue(renderer, "attr", ""), "decile");
    CPLDestroyXMLNode(root);
    EXPECT_NE(qml.find("label=\"1 (most need)\""), std::string::npos);
    EXPECT_NE(qml.find("\"165,0,38,255\""), std::string::npos);   // #a50026
    EXPECT_NE(qml.find("\"49,54,149,255\""), std::string::npos);  // #313695
    const std::string& sld = sld_of["zones/need decile"];
    root = CPLParseXMLString(sld.c_str());
    ASSERT_NE(root, nullptr);
    CPLDestroyXMLNode(root);
    EXPECT_NE(sld.find("<se:SvgParameter name=\"fill\">#a50026</se:SvgParameter>"), std::string::npos);
    EXPECT_NE(qml_of["zones/need-support gap"].find("attr=\"gap_class\""), std::string::npos);
    EXPECT_NE(qml_of["zones/need-support gap"].find("value=\"high need, low support\""), std::string::npos);
    EXPECT_NE(qml_of["rollout/zone wave"].find("attr=\"zone_wave\""), std::string::npos);
    EXPECT_NE(qml_of["area_waves/area wave"].find("\"84,39,143,255\""), std::string::npos);  // wave 1 #54278f
}

TEST(Run, MonitoringCountsTheDemoLogUnderDisclosureControl) {
    const auto dir = fixtures::scratch("monitoring");
    const RunResult result = validate(demo_config(dir / "m.gpkg"));
    const Layer& reach = result.table("reach");
    EXPECT_EQ(reach.rows(), result.table("zones").rows() * 5);  // four quarters and the total, per zone
    for (const char* measure : {"people_helped", "devices_lent"}) {
        std::size_t hidden = 0;
        for (double v : std::get<Column::Reals>(reach.at(measure).values)) {
            EXPECT_FALSE(v > 0.0 && v < 5.0) << measure << " " << v;  // no count below the threshold is published
            hidden += std::isnan(v) ? 1 : 0;
        }
        EXPECT_GT(hidden, 0u) << measure;
    }
    // The first equity row is all zones' people helped: the demo's programme favours need.
    const Layer& equity = result.table("equity");
    EXPECT_EQ(io_key(equity.at("scope"), 0), "all zones");
    EXPECT_LT(std::get<Column::Reals>(equity.at("concentration_index").values)[0], 0.0);
    EXPECT_NE(result.manifest_json.find("\"monitoring\""), std::string::npos);
}

TEST(Run, MonitoringEditedInCppIsCheckedAtTheDoor) {
    const auto dir = fixtures::scratch("monitoring_door");
    auto refused = [&](auto&& edit, const std::string& words) {
        RunConfig config = demo_config(dir / "x.gpkg");
        edit(config);
        try {
            validate(config);
            ADD_FAILURE() << "not refused: " << words;
        } catch (const ConfigError& error) {
            EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
        }
    };
    refused([](RunConfig& c) { c.monitoring->threshold = 0.0; }, "'threshold' in [monitoring] must be a number >= 1");
    refused([](RunConfig& c) { c.monitoring->to = "2024-01-01"; }, "is before 'from'");
    refused([](RunConfig& c) { c.monitoring->suppress = {"people"}; }, "'suppress' in [monitoring] names 'people'");
    refused([](RunConfig& c) { c.rollout.reset(); }, "[monitoring.targets] measures areas against their rollout wave");
    refused([](RunConfig& c) { c.monitoring->path = "/vsicurl/https://example.org/log.csv"; }, "network path");
}
