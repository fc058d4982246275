#include "fixtures.hpp"
#include "furthest/config.hpp"
#include "furthest/errors.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

using namespace furthest;

namespace {

const char* kMinimal = R"(
[zones]
path = "zones.gpkg"
id = "zone_code"
[areas]
path = "/abs/areas.geojson"
id = "lcp_code"
[[indicators]]
path = "indicators.csv"
key = "zone_code"
column = "imd_score"
direction = "higher_is_more_need"
[output]
path = "out/x.gpkg"
)";

std::string error_of(const std::string& text) {
    try {
        parse_config(text, "/base", "test.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Config, RelativePathsResolveAgainstTheConfigFolder) {
    const RunConfig config = parse_config(kMinimal, "/base/dir", "test.toml");
    EXPECT_EQ(config.zones.path, "/base/dir/zones.gpkg");
    EXPECT_EQ(config.areas.path, "/abs/areas.geojson");
    EXPECT_EQ(config.output.path, "/base/dir/out/x.gpkg");
    ASSERT_EQ(config.indicators.size(), 1u);
    EXPECT_EQ(config.indicators[0].name, "imd_score");
    EXPECT_EQ(config.indicators[0].weight, 1.0);
    EXPECT_EQ(config.working_crs, "EPSG:27700");
    EXPECT_NE(config.config_json.find("imd_score"), std::string::npos);
}

TEST(Config, UnknownKeyGetsADidYouMean) {
    std::string text = kMinimal;
    text.replace(text.find("path = \"zones.gpkg\""), 4, "pathh");
    const std::string message = error_of(text);
    EXPECT_NE(message.find("unknown key 'pathh' in [zones]"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'path'"), std::string::npos) << message;
}

TEST(Config, MisspeltDirectionIsRefused) {
    std::string text = kMinimal;
    text.replace(text.find("higher_is_more_need"), 19, "higher_is_more_needs");
    EXPECT_NE(error_of(text).find("did you mean 'higher_is_more_need'"), std::string::npos);
}

TEST(Config, SyntaxErrorsNameTheLine) {
    const std::string message = error_of("[zones]\npath = \"unterminated\n");
    EXPECT_NE(message.find("line 2"), std::string::npos) << message;
}

TEST(Config, MissingSectionsAndKeys) {
    EXPECT_NE(error_of("[zones]\npath='a'\nid='b'\n").find("missing section [areas]"), std::string::npos);
    std::string no_output = kMinimal;
    no_output.erase(no_output.find("[output]"));
    EXPECT_NE(error_of(no_output).find("missing section [output]"), std::string::npos);
    std::string bad_output = kMinimal;
    bad_output.replace(bad_output.find("out/x.gpkg"), 10, "out/x.shp");
    EXPECT_NE(error_of(bad_output).find("ending in .gpkg"), std::string::npos);
}

TEST(Config, EnvironmentVariablesExpandAndUnsetOnesAreNamed) {
    ::setenv("FURTHEST_TEST_DIR", "/data/here", 1);
    std::string text = kMinimal;
    text.replace(text.find("zones.gpkg"), 10, "${FURTHEST_TEST_DIR}/zones.gpkg");
    EXPECT_EQ(parse_config(text, "/base", "t").zones.path, "/data/here/zones.gpkg");
    std::string unset = kMinimal;
    unset.replace(unset.find("zones.gpkg"), 10, "${FURTHEST_SURELY_UNSET}/zones.gpkg");
    EXPECT_NE(error_of(unset).find("${FURTHEST_SURELY_UNSET}"), std::string::npos);
}

TEST(Config, DuplicateIndicatorNamesAreRefused) {
    std::string text = kMinimal;
    text += "[[indicators]]\npath = 'i.csv'\nkey = 'zone_code'\ncolumn = 'imd_score'\ndirection = 'lower_is_more_need'\n";
    EXPECT_NE(error_of(text).find("used twice"), std::string::npos);
}

TEST(Config, MissingConfigFile) { EXPECT_THROW(load_config("/nonexistent/furthest.toml"), ConfigError); }

namespace {

const char* kMinimalJson = R"({
  "zones": {"path": "zones.gpkg", "id": "zone_code"},
  "areas": {"path": "/abs/areas.geojson", "id": "lcp_code", "name": null},
  "indicators": [{"path": "indicators.csv", "key": "zone_code", "column": "imd_score",
                  "direction": "higher_is_more_need"}],
  "output": {"path": "out/x.gpkg"}
})";

std::string json_error_of(const std::string& text) {
    try {
        parse_config_json(text, "/base");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Config, JsonGivesWhatTheSameTomlGives) {
    const RunConfig from_toml = parse_config(kMinimal, "/base/dir", "test.toml");
    const RunConfig from_json = parse_config_json(kMinimalJson, "/base/dir");
    EXPECT_EQ(from_json.zones.path, from_toml.zones.path);
    EXPECT_EQ(from_json.areas.path, "/abs/areas.geojson");
    EXPECT_EQ(from_json.areas.name, "");  // null: not set
    EXPECT_EQ(from_json.output.path, "/base/dir/out/x.gpkg");
    ASSERT_EQ(from_json.indicators.size(), 1u);
    EXPECT_EQ(from_json.indicators[0].name, "imd_score");
    EXPECT_EQ(from_json.scoring.indicators.size(), from_toml.scoring.indicators.size());
}

TEST(Config, JsonMistakesGetTheTomlMessages) {
    std::string text = kMinimalJson;
    text.replace(text.find("\"path\": \"zones.gpkg\""), 6, "\"pathh\"");
    EXPECT_EQ(json_error_of(text).rfind("config <dict>: unknown key 'pathh' in [zones]; did you mean 'path'?", 0), 0u)
        << json_error_of(text);
    EXPECT_NE(json_error_of("{\"zones\": [1, 2]}").find("[zones] must be a table"), std::string::npos);
    EXPECT_NE(json_error_of("{\"zones\": ").find("config <dict>: not valid JSON"), std::string::npos);
    EXPECT_NE(json_error_of("[1]").find("expected a JSON object"), std::string::npos);
    EXPECT_NE(json_error_of("{\"run\": {\"threads\": 18446744073709551615}}").find("config <dict>.run.threads: "),
              std::string::npos);
}

TEST(Config, DeeplyNestedJsonIsAConfigErrorNotACrash) {
    const std::string deep = "{\"run\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    EXPECT_NE(json_error_of(deep).find("nested more than"), std::string::npos);
}

TEST(Config, OptionsAreTypedEnums) {
    std::string text = kMinimal;
    text.replace(
        text.find("id = \"lcp_code\""), 15,
        "id = \"lcp_code\"\npostcode = \"pc\"\nassign = \"shared\"\n"
        "[postcodes]\npath = \"pc.csv\"\npostcode = \"pcds\"\nx = \"long\"\ny = \"lat\"\ncrs = \"EPSG:4326\"\nunmatched = \"warn\"\n"
        "[[indicators]]\npath = \"coverage.tif\"\nname = \"coverage\"\ndirection = \"lower_is_more_need\"\n"
        "via = { zonal = \"frac_above\", threshold = 0.5 }");
    const RunConfig config = parse_config(text, "/base", "test.toml");
    EXPECT_EQ(config.areas.assign, MemberAssignment::Shared);
    ASSERT_TRUE(config.postcodes);
    EXPECT_EQ(config.postcodes->unmatched, UnmatchedPostcodes::Warn);
    ASSERT_EQ(config.indicators.size(), 2u);
    ASSERT_EQ(config.indicators[0].name, "coverage");
    ASSERT_TRUE(config.indicators[0].via);
    EXPECT_EQ(config.indicators[0].via->zonal, ZonalStatistic::FracAbove);
    EXPECT_EQ(parse_config(kMinimal, "/base", "test.toml").areas.assign, MemberAssignment::Nearest);
}

TEST(Config, ScoringSpecJsonMatchesItsToml) {
    const ScoringSpec from_toml = parse_scoring_spec(
        "normalise = 'percentile_rank'\n[[indicators]]\nname = 'a'\n[[indicators]]\nname = 'b'\nweight = 3\n[uncertainty]\ndraws = 50\n");
    const ScoringSpec from_json = parse_scoring_spec_json(
        R"({"normalise": "percentile_rank", "indicators": [{"name": "a"}, {"name": "b", "weight": 3}], "uncertainty": {"draws": 50}})");
    EXPECT_EQ(from_json.normalisation, from_toml.normalisation);
    ASSERT_EQ(from_json.indicators.size(), 2u);
    EXPECT_EQ(from_json.indicators[1].weight, from_toml.indicators[1].weight);
    EXPECT_EQ(from_json.uncertainty.draws, 50);
    try {
        parse_scoring_spec_json(R"({"indicators": [{"name": "a"}], "normalize": "percentile_rank"})");
        ADD_FAILURE() << "a misspelt key was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean 'normalise'"), std::string::npos) << e.what();
    }
}

TEST(Config, ReportTitleAndAttribution) {
    const std::string text = std::string(kMinimal) + R"(
[report]
title = "Leeds: need by ward"
attribution = ["Contains OS data © Crown copyright and database right 2024",
               "Source: Office for National Statistics licensed under the Open Government Licence v.3.0"]
)";
    const RunConfig config = parse_config(text, "/base", "test.toml");
    EXPECT_EQ(config.report.title, "Leeds: need by ward");
    ASSERT_EQ(config.report.attribution.size(), 2u);
    EXPECT_EQ(config.report.attribution[0], "Contains OS data © Crown copyright and database right 2024");
}

TEST(Config, ReportTitleDefaultsToTheFileStemOrAPlainTitle) {
    // Text and dicts have no file to be named after.
    EXPECT_EQ(parse_config(kMinimal, "/base", "test.toml").report.title, "furthest run");
    EXPECT_TRUE(parse_config(kMinimal, "/base", "test.toml").report.attribution.empty());
    const RunConfig from_json = parse_config_json(
        R"({"zones": {"path": "z.gpkg", "id": "z"}, "areas": {"path": "a.geojson", "id": "a"},
            "indicators": [{"path": "i.csv", "key": "z", "column": "c", "direction": "higher_is_more_need"}],
            "output": {"path": "o.gpkg"}, "report": {"attribution": ["Synthetic data"]}})",
        "/base");
    EXPECT_EQ(from_json.report.title, "furthest run");
    EXPECT_EQ(from_json.report.attribution, std::vector<std::string>{"Synthetic data"});
    const auto dir = fixtures::scratch("report-title");
    std::ofstream(dir / "leeds_wards.toml") << kMinimal;
    EXPECT_EQ(load_config(dir / "leeds_wards.toml").report.title, "leeds_wards");
    // The demo's own title.
    EXPECT_EQ(load_config(fixtures::demo_dir() / "demo.toml").report.title, "Furthton demo");
}

TEST(Config, ReportRefusesUnknownKeysAndWrongTypes) {
    std::string message = error_of(std::string(kMinimal) + "[report]\ntitel = \"x\"\n");
    EXPECT_NE(message.find("unknown key 'titel' in [report]"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'title'"), std::string::npos) << message;
    message = error_of(std::string(kMinimal) + "[report]\nattribution = [1, 2]\n");
    EXPECT_NE(message.find("'attribution' in [report]"), std::string::npos) << message;
    message = error_of(std::string(kMinimal) + "[report]\ntitle = \"  \"\n");
    EXPECT_NE(message.find("'title' in [report]"), std::string::npos) << message;
}

TEST(Config, ZoneNameColumnIsOptional) {
    EXPECT_TRUE(parse_config(kMinimal, "/base", "test.toml").zones.name.empty());
    std::string text = kMinimal;
    text.replace(text.find("id = \"zone_code\""), 0, "name = \"lsoa21_name\"\n");
    EXPECT_EQ(parse_config(text, "/base", "test.toml").zones.name, "lsoa21_name");
}
