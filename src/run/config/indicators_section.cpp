// [[indicators]]: the numeric columns that become the need index, each with its `via` when the
// table is not keyed by zone id (a code lookup, points, or a raster summarised per zone).
#include "core/enum_names.hpp"
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "furthest/zonal.hpp"
#include "run/config/sections.hpp"

#include <cmath>
#include <set>

namespace furthest::run_detail {
namespace {

Direction parse_direction(const Reader& reader, const std::string& section, const std::string& value) {
    std::vector<std::string> known;
    for (const auto& [name, direction] : core::enum_names<Direction>()) {
        if (name == value) return direction;
        known.push_back(name);
    }
    reader.fail("'direction' in " + section + " is '" + value + "'" + core::did_you_mean(value, known) +
                "; expected 'higher_is_more_need' or 'lower_is_more_need'");
}

std::optional<MissingValues> parse_missing(const Reader& reader, const std::string& section, const std::string& value) {
    if (value.empty()) return std::nullopt;
    std::vector<std::string> known;
    for (const auto& [name, policy] : core::enum_names<MissingValues>()) {
        if (name == value) return policy;
        known.push_back(name);
    }
    reader.fail("'missing' in " + section + " is '" + value + "'" + core::did_you_mean(value, known) + "; expected one of " +
                core::join_names(known));
}

void parse_raster_via(const Reader& reader, const toml::table& table, const std::string& section, ViaSpec& via) {
    via.kind = ViaSpec::Kind::Raster;
    const std::string zonal = reader.text(table, section, "zonal", true, "a zonal statistic such as \"mean\" or \"frac_above\"");
    // parse_zonal_statistic does not know the config: give its message the config's name and line.
    try {
        via.zonal = parse_zonal_statistic(zonal, "'zonal' in " + section + line_of_key(table, "zonal"));
    } catch (const ConfigError& error) {
        reader.fail(error.what());
    }
    if (const toml::node* band = table.get("band")) {
        auto value = band->value_exact<std::int64_t>();
        if (!value || *value < 1) reader.fail("'band' in " + section + line_of(*band) + " must be a whole number >= 1");
        via.band = static_cast<int>(*value);
    }
    if (table.get("threshold")) via.threshold = reader.number(table, section, "threshold", 0.0);
    via.raster_weights = reader.path(table, section, "weights", false);
    if (via.zonal == ZonalStatistic::FracAbove && !via.threshold)
        reader.fail(section + ": zonal = \"frac_above\" needs 'threshold' (values at or above it count)");
    if (via.zonal == ZonalStatistic::WeightedMean && via.raster_weights.empty())
        reader.fail(section + ": zonal = \"weighted_mean\" needs 'weights', a raster on the same cells");
}

void parse_lookup_via(const Reader& reader, const toml::table& table, const std::string& section, ViaSpec& via) {
    via.kind = ViaSpec::Kind::Lookup;
    via.lookup = reader.path(table, section, "lookup");
    via.layer = reader.text(table, section, "layer", false, "a layer name");
    via.encoding = reader.encoding(table, section);
    via.from = reader.text(table, section, "from", true, "the lookup column holding the indicator table's codes");
    via.to = reader.text(table, section, "to", true, "the lookup column holding zone ids");
    via.change = reader.text(table, section, "change", false, "the lookup's change-code column (U, S, M, X)");
    const toml::node* split = table.get("split_weight");
    if (split == nullptr) return;
    if (auto name = split->value<std::string>()) {
        if (*name == "equal") via.split_weight = ViaSpec::SplitWeight::Equal;
        else if (*name == "area") via.split_weight = ViaSpec::SplitWeight::Area;
        else
            reader.fail("'split_weight' in " + section + line_of(*split) + " is '" + *name +
                        "'; expected 'equal', "
                        "'area' or a table { path = ..., key = ..., column = ... } of zone weights such as population");
    } else if (const toml::table* weights = split->as_table()) {
        const std::string where = section + ".split_weight";
        reader.check_keys(*weights, where, {"path", "key", "column"});
        via.split_weight = ViaSpec::SplitWeight::Table;
        via.weight_path = reader.path(*weights, where, "path");
        via.weight_key = reader.text(*weights, where, "key", true, "the column holding zone ids");
        via.weight_column = reader.text(*weights, where, "column", true, "the weight column (e.g. population)");
    } else {
        reader.fail("'split_weight' in " + section + line_of(*split) + " must be 'equal', 'area' or a table");
    }
}

IndicatorSpec parse_indicator(const Reader& reader, const toml::table& table, const std::string& section) {
    reader.check_keys(table, section,
                      {"path", "layer", "key", "column", "name", "direction", "weight", "missing", "via", "encoding"});
    IndicatorSpec spec;
    spec.path = reader.path(table, section, "path");
    spec.layer = reader.text(table, section, "layer", false, "a layer name");
    spec.encoding = reader.encoding(table, section);
    if (const toml::node* via = table.get("via")) {
        if (!via->is_table()) reader.fail("'via' in " + section + line_of(*via) + " must be a table, e.g. [indicators.via]");
        spec.via = parse_via(reader, *via->as_table(), section + ".via");
    }
    const bool via_points = spec.via && spec.via->kind == ViaSpec::Kind::Points;
    const bool via_raster = spec.via && spec.via->kind == ViaSpec::Kind::Raster;
    spec.key = reader.text(table, section, "key", !via_points && !via_raster,
                           "the column holding the zone id (or the source code with 'via')");
    spec.column = reader.text(table, section, "column", false, "the indicator's numeric column");
    spec.name = reader.text(table, section, "name", false, "an output column name");
    if (spec.name.empty()) spec.name = spec.column;
    if (spec.column.empty() && !via_raster)
        reader.fail(section + " is missing 'column'; expected the indicator's numeric column");
    if (spec.name.empty()) reader.fail(section + " is a raster indicator without 'name'; expected an output column name");
    spec.direction =
        parse_direction(reader, section + line_of_key(table, "direction"),
                        reader.text(table, section, "direction", true, "'higher_is_more_need' or 'lower_is_more_need'"));
    spec.weight = reader.number(table, section, "weight", 1.0);
    if (!(spec.weight >= 0.0) || !std::isfinite(spec.weight))
        reader.fail("'weight' in " + section + " must be a finite number >= 0");
    spec.missing = parse_missing(reader, section + line_of_key(table, "missing"),
                                 reader.text(table, section, "missing", false, "a missing-value policy such as 'mean'"));
    return spec;
}

}  // namespace

ViaSpec parse_via(const Reader& reader, const toml::table& table, const std::string& section) {
    reader.check_keys(table, section,
                      {"lookup", "layer", "from", "to", "change", "split_weight", "kind", "x", "y", "crs", "weight", "postcode",
                       "zonal", "band", "threshold", "weights", "encoding"});
    ViaSpec via;
    const std::string kind = reader.text(table, section, "kind", false, "'intensive' or 'extensive'");
    if (!kind.empty() && kind != "intensive" && kind != "extensive")
        reader.fail("'kind' in " + section + " is '" + kind + "'" + core::did_you_mean(kind, {"intensive", "extensive"}) +
                    "; expected 'intensive' (rates, scores: weighted mean) or 'extensive' (counts: sum)");
    via.extensive = kind == "extensive";
    const bool lookup = table.get("lookup") != nullptr;
    const bool points = table.get("x") != nullptr || table.get("y") != nullptr || table.get("postcode") != nullptr;
    const bool raster = table.get("zonal") != nullptr;
    if (int(lookup) + int(points) + int(raster) != 1)
        reader.fail(section +
                    " needs exactly one of 'lookup' (a code lookup table), 'x', 'y' and 'crs' or 'postcode' (points), or "
                    "'zonal' (the indicator's path is a raster summarised per zone)");
    if (raster) {
        parse_raster_via(reader, table, section, via);
    } else if (lookup) {
        parse_lookup_via(reader, table, section, via);
    } else {
        via.kind = ViaSpec::Kind::Points;
        via.site = parse_site_columns(reader, table, section, true);
        via.weight = reader.text(table, section, "weight", false, "a weight column (premises, people)");
    }
    return via;
}

void parse_indicators_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    const toml::node* indicators = root.get("indicators");
    if (indicators == nullptr) reader.fail("no [[indicators]]; expected at least one indicator table");
    if (!indicators->is_array_of_tables())
        reader.fail("'indicators' must be an array of tables, written [[indicators]]" + line_of(*indicators));
    std::set<std::string> names;
    int number = 0;
    for (const auto& node : *indicators->as_array()) {
        const std::string section = "[[indicators]] #" + std::to_string(++number);
        IndicatorSpec spec = parse_indicator(reader, *node.as_table(), section);
        if (!names.insert(spec.name).second)
            reader.fail(section + ": indicator name '" + spec.name + "' is used twice; give one of them a distinct 'name'");
        config.indicators.push_back(std::move(spec));
    }
}

}  // namespace furthest::run_detail
