#include "furthest/config.hpp"
#include "furthest/errors.hpp"

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

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
