// Support in the run: dates of partners, the support sections of the config, and access and hot
// spots that do not depend on the thread count.
#include "core/dates.hpp"
#include "core/text.hpp"
#include "fixtures.hpp"
#include "furthest/furthest.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace furthest;

namespace {

using fixtures::demo_config;

long day(const char* text, core::DateEnd end = core::DateEnd::First) {
    const auto n = core::day_number(text, end);
    EXPECT_TRUE(n.has_value()) << text;
    return n.value_or(-1);
}

}  // namespace

TEST(Dates, WholeDatesPartialDatesAndSpreadsheetForms) {
    EXPECT_EQ(day("1970-01-01"), 0);
    EXPECT_EQ(day("2000-03-01") - day("2000-02-28"), 2);  // 2000 is a leap year (divisible by 400)
    EXPECT_EQ(day("1900-03-01") - day("1900-02-28"), 1);  // 1900 is not
    EXPECT_EQ(day("2019", core::DateEnd::First), day("2019-01-01"));
    EXPECT_EQ(day("2019", core::DateEnd::Last), day("2019-12-31"));
    EXPECT_EQ(day("2024-02", core::DateEnd::Last), day("2024-02-29"));
    EXPECT_EQ(day("31/12/2020"), day("2020-12-31"));
    EXPECT_EQ(day(" 2023-07-01 00:00:00"), day("2023-07-01"));
    EXPECT_EQ(day("2023-07-01T09:30"), day("2023-07-01"));
    EXPECT_EQ(day("2025/04/01 00:00:00"), day("2025-04-01"));  // an XLSX date cell as GDAL gives it
    EXPECT_EQ(day("2025/04"), day("2025-04"));
    for (const char* bad : {"", "2023-02-29", "2023-13-01", "2023-00-10", "2023-1-5", "00/05/2023", "20230701", "soon",
                            "2023-07-01x", "12/31/2020", "2025/04-01", "2025-04/01", "2025.04.01"})
        EXPECT_FALSE(core::day_number(bad, core::DateEnd::First).has_value()) << bad;
}

TEST(Text, SlugsMakeColumnNameFragments) {
    EXPECT_EQ(core::slug("GP practice"), "gp_practice");
    EXPECT_EQ(core::slug("  Digital Health Hub (pilot) "), "digital_health_hub_pilot");
    EXPECT_EQ(core::slug("***"), "unspecified");
}

TEST(SupportConfig, SeveralPartnersTablesAndTheSectionsThatUseThem) {
    const std::string base = R"([zones]
path = "z.gpkg"
id = "code"
[areas]
path = "a.geojson"
id = "a"
[[indicators]]
path = "i.csv"
key = "code"
column = "v"
direction = "higher_is_more_need"
[output]
path = "out/x.gpkg"
)";
    const std::string partners = R"([[partners]]
name = "gps"
path = "gp.csv"
x = "lon"
y = "lat"
crs = "EPSG:4326"
id = "code"
type = "GP practice"
capacity = ["champions"]
[[partners]]
path = "libraries.csv"
postcode = "pc"
type_column = "kind"
capacity = ["champions", "devices"]
active_to = "closed"
[postcodes]
path = "pc.csv"
postcode = "pcds"
x = "x"
y = "y"
crs = "EPSG:27700"
)";
    const RunConfig config = parse_config(base + partners + R"([access]
catchment = 1600
decay = "gaussian"
capacity = "champions"
as_of = "2025-04-01"
[hotspots]
weights = "knn"
k = 8
)",
                                          "/base", "'t.toml'");
    ASSERT_EQ(config.partners.size(), 2u);
    EXPECT_EQ(config.partners[1].name, "libraries");  // the file's stem
    EXPECT_EQ(config.partners[1].capacity, (std::vector<std::string>{"champions", "devices"}));
    ASSERT_TRUE(config.access.has_value());
    EXPECT_EQ(config.access->bandwidth, 800.0);  // catchment / 2
    ASSERT_TRUE(config.hotspots.has_value());
    EXPECT_EQ(config.hotspots->k, 8);
    EXPECT_EQ(config.hotspots->variable, "gap_score");

    auto refused = [&](const std::string& text, const std::string& words) {
        try {
            parse_config(text, "/base", "'t.toml'");
            ADD_FAILURE() << "accepted: " << words;
        } catch (const ConfigError& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("'t.toml'"), std::string::npos) << message;
            EXPECT_NE(message.find(words), std::string::npos) << message;
        }
    };
    refused(base + "[access]\ncatchment = 1000\n", "[access] needs partners");
    refused(base + partners + "[access]\ncatchment = 1000\ncapacity = \"devices\"\n", "partners table 'gps' does not list it");
    refused(base + partners + "[access]\ncatchment = 1000\n", "has no 'as_of'");
    refused(base + partners + "[[partners]]\nname = \"gps\"\npath = \"more.gpkg\"\n", "name 'gps' is used twice");
    refused(base + "[hotspots]\n", "needs [access]");
}

TEST(SupportRun, AccessGapAndHotSpotsAreTheSameForOneAndTwoThreads) {
    const auto dir = fixtures::scratch("support_threads");
    RunConfig one = demo_config(dir / "one.gpkg");
    one.threads = 1;
    RunConfig two = demo_config(dir / "two.gpkg");
    two.threads = 2;
    const RunResult a = validate(one);
    const RunResult b = validate(two);
    const Layer& zones_a = a.table("zones");
    const Layer& zones_b = b.table("zones");
    for (const char* name : {"nearest_partner_m", "access_2sfca_per_1000", "access_bfca_per_1000", "supply_bfca", "gap_score",
                             "hotspot_gi_z", "hotspot_gi_p", "hotspot_moran_i", "hotspot_moran_p"}) {
        const auto& x = std::get<Column::Reals>(zones_a.at(name).values);
        const auto& y = std::get<Column::Reals>(zones_b.at(name).values);
        ASSERT_EQ(x.size(), y.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            EXPECT_TRUE(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]))) << name << " zone " << i;
    }
    EXPECT_EQ(std::get<Column::Texts>(zones_a.at("hotspot").values), std::get<Column::Texts>(zones_b.at("hotspot").values));
    // The balanced catchment allocates every champion some zone reaches, once.
    const auto& supply = std::get<Column::Reals>(zones_a.at("supply_bfca").values);
    const auto& champions = std::get<Column::Reals>(a.table("partners").at("champions").values);
    const auto& people_within = std::get<Column::Reals>(a.table("partners").at("people_within").values);
    double reached = 0.0, allocated = 0.0;
    for (std::size_t p = 0; p < champions.size(); ++p)
        if (people_within[p] > 0.0) reached += champions[p];
    for (double s : supply) allocated += s;
    EXPECT_NEAR(allocated, reached, 1e-9 * reached);
}
