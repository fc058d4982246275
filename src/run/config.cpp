#include "furthest/config.hpp"
#include "furthest/errors.hpp"
#include "furthest/zonal.hpp"
#include "indicators/scoring_toml.hpp"
#include "io/spelling.hpp"
#include "run/config_toml.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace furthest {
namespace {

using run_detail::config_from_table;

std::string line_of(const toml::node& node) {
    const auto& begin = node.source().begin;
    return begin.line ? " (line " + std::to_string(begin.line) + ")" : std::string();
}

std::string line_of_key(const toml::table& table, const std::string& key) {
    const toml::node* node = table.get(key);
    return node ? line_of(*node) : std::string();
}

class Reader {
public:
    Reader(std::string source, std::filesystem::path base_dir) : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

    [[noreturn]] void fail(const std::string& message) const { throw ConfigError("config " + source_ + ": " + message); }

    void check_keys(const toml::table& table, const std::string& section, const std::vector<std::string>& known) const {
        for (const auto& [key, node] : table) {
            const std::string name(key.str());
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                fail("unknown key '" + name + "' in " + section + line_of(node) + io::did_you_mean(name, known) +
                     "; known keys: " + io::join_names(known));
            }
        }
    }

    const toml::table& section(const toml::table& root, const std::string& name, bool required) const {
        const toml::node* node = root.get(name);
        if (node == nullptr) {
            if (required) fail("missing section [" + name + "]");
            static const toml::table empty;
            return empty;
        }
        if (!node->is_table()) fail("[" + name + "] must be a table" + line_of(*node));
        return *node->as_table();
    }

    std::string text(const toml::table& table, const std::string& section, const std::string& key, bool required,
                     const std::string& expected) const {
        const toml::node* node = table.get(key);
        if (node == nullptr) {
            if (required) fail(section + " is missing '" + key + "'; expected " + expected);
            return {};
        }
        if (!node->is_string()) fail("'" + key + "' in " + section + line_of(*node) + " must be a string; expected " + expected);
        std::string value = node->as_string()->get();
        if (required && value.empty()) fail("'" + key + "' in " + section + line_of(*node) + " is empty; expected " + expected);
        return value;
    }

    std::filesystem::path path(const toml::table& table, const std::string& section, const std::string& key,
                               bool required = true) const {
        const std::string raw = text(table, section, key, required, "a file path");
        if (raw.empty()) return {};
        std::filesystem::path p(expand(raw, section, key));
        if (p.string().rfind("/vsi", 0) == 0 || p.string().find("://") != std::string::npos) return p;
        return (p.is_relative() ? base_dir_ / p : p).lexically_normal();
    }

    double number(const toml::table& table, const std::string& section, const std::string& key, double fallback) const {
        const toml::node* node = table.get(key);
        if (node == nullptr) return fallback;
        if (auto v = node->value<double>()) return *v;
        fail("'" + key + "' in " + section + line_of(*node) + " must be a number");
    }

    // ${NAME} from the environment; ${FURTHEST_DATA} falls back to a shared/data folder found
    // beside the config's ancestors (the layout of the project's checkouts).
    std::string expand(const std::string& raw, const std::string& section, const std::string& key) const {
        std::string out;
        std::size_t i = 0;
        while (i < raw.size()) {
            if (raw.compare(i, 2, "${") == 0) {
                const std::size_t close = raw.find('}', i);
                if (close == std::string::npos) fail("'" + key + "' in " + section + ": unclosed '${' in '" + raw + "'");
                const std::string name = raw.substr(i + 2, close - i - 2);
                std::string value;
                if (const char* env = std::getenv(name.c_str()); env && *env) {
                    value = env;
                } else if (name == "FURTHEST_DATA") {
                    value = default_data_dir(base_dir_).string();
                    if (value.empty())
                        fail("'" + key + "' in " + section + " uses ${FURTHEST_DATA}, but the environment variable is "
                             "not set and no shared/data folder was found beside the config's folders");
                } else {
                    fail("'" + key + "' in " + section + " uses ${" + name + "}, which is not set in the environment");
                }
                out += value;
                i = close + 1;
            } else {
                out += raw[i++];
            }
        }
        return out;
    }

private:
    std::string source_;
    std::filesystem::path base_dir_;
};

Direction parse_direction(const Reader& reader, const std::string& section, const std::string& value) {
    if (value == "higher_is_more_need") return Direction::HigherIsMoreNeed;
    if (value == "lower_is_more_need") return Direction::LowerIsMoreNeed;
    const std::vector<std::string> known = {"higher_is_more_need", "lower_is_more_need"};
    reader.fail("'direction' in " + section + " is '" + value + "'" + io::did_you_mean(value, known) +
                "; expected 'higher_is_more_need' or 'lower_is_more_need'");
}

std::optional<MissingValues> parse_missing(const Reader& reader, const std::string& section, const std::string& value) {
    static const std::vector<std::pair<std::string, MissingValues>> policies = {
        {"error", MissingValues::Error},   {"drop", MissingValues::Drop},          {"mean", MissingValues::Mean},
        {"median", MissingValues::Median}, {"area_mean", MissingValues::AreaMean}, {"flag", MissingValues::Flag}};
    if (value.empty()) return std::nullopt;
    std::vector<std::string> known;
    for (const auto& [name, policy] : policies) {
        if (name == value) return policy;
        known.push_back(name);
    }
    reader.fail("'missing' in " + section + " is '" + value + "'" + io::did_you_mean(value, known) + "; expected one of " +
                io::join_names(known));
}

// Where a table's rows are: 'x', 'y' and 'crs', or 'postcode' (looked up in [postcodes]).
SiteColumns parse_site_columns(const Reader& reader, const toml::table& table, const std::string& section, bool required,
                               const std::string& alternative = "") {
    SiteColumns site;
    site.x = reader.text(table, section, "x", false, "the x (longitude/easting) column");
    site.y = reader.text(table, section, "y", false, "the y (latitude/northing) column");
    site.crs = reader.text(table, section, "crs", false, "the CRS of x and y, e.g. \"EPSG:4326\"");
    site.postcode = reader.text(table, section, "postcode", false, "the postcode column");
    const bool xy = !site.x.empty() || !site.y.empty();
    if (xy && !site.postcode.empty())
        reader.fail(section + " gives both 'x'/'y' and 'postcode'; expected one way of placing its rows");
    if (xy && (site.x.empty() || site.y.empty()))
        reader.fail(section + " needs both 'x' and 'y'" + (alternative.empty() ? std::string() : ", or neither (" + alternative + ")"));
    if (xy && site.crs.empty()) reader.fail(section + " gives 'x' and 'y' but no 'crs'; expected e.g. crs = \"EPSG:4326\"");
    if (!xy && !site.crs.empty()) reader.fail("'crs' in " + section + " only applies with 'x' and 'y'");
    if (required && !xy && site.postcode.empty())
        reader.fail(section + " needs 'x', 'y' and 'crs' (coordinate columns) or 'postcode' (a postcode column)");
    return site;
}

ViaSpec parse_via(const Reader& reader, const toml::table& table, const std::string& section) {
    reader.check_keys(table, section, {"lookup", "layer", "from", "to", "change", "split_weight", "kind", "x", "y", "crs", "weight",
                                       "postcode", "zonal", "band", "threshold", "weights"});
    ViaSpec via;
    const std::string kind = reader.text(table, section, "kind", false, "'intensive' or 'extensive'");
    if (!kind.empty() && kind != "intensive" && kind != "extensive")
        reader.fail("'kind' in " + section + " is '" + kind + "'" + io::did_you_mean(kind, {"intensive", "extensive"}) +
                    "; expected 'intensive' (rates, scores: weighted mean) or 'extensive' (counts: sum)");
    via.extensive = kind == "extensive";
    const bool lookup = table.get("lookup") != nullptr;
    const bool points = table.get("x") != nullptr || table.get("y") != nullptr || table.get("postcode") != nullptr;
    const bool raster = table.get("zonal") != nullptr;
    if (int(lookup) + int(points) + int(raster) != 1)
        reader.fail(section + " needs exactly one of 'lookup' (a code lookup table), 'x', 'y' and 'crs' or 'postcode' (points), or "
                    "'zonal' (the indicator's path is a raster summarised per zone)");
    if (raster) {
        via.kind = ViaSpec::Kind::Raster;
        via.zonal = reader.text(table, section, "zonal", true, "a zonal statistic such as \"mean\" or \"frac_above\"");
        // parse_zonal_statistic does not know the config: give its message the config's name and line.
        const ZonalStatistic statistic = [&] {
            try {
                return parse_zonal_statistic(via.zonal, "'zonal' in " + section + line_of_key(table, "zonal"));
            } catch (const ConfigError& error) {
                reader.fail(error.what());
            }
        }();
        if (const toml::node* band = table.get("band")) {
            auto value = band->value_exact<std::int64_t>();
            if (!value || *value < 1) reader.fail("'band' in " + section + line_of(*band) + " must be a whole number >= 1");
            via.band = static_cast<int>(*value);
        }
        if (table.get("threshold")) via.threshold = reader.number(table, section, "threshold", 0.0);
        via.raster_weights = reader.path(table, section, "weights", false);
        if (statistic == ZonalStatistic::FracAbove && !via.threshold)
            reader.fail(section + ": zonal = \"frac_above\" needs 'threshold' (values at or above it count)");
        if (statistic == ZonalStatistic::WeightedMean && via.raster_weights.empty())
            reader.fail(section + ": zonal = \"weighted_mean\" needs 'weights', a raster on the same cells");
        return via;
    }
    if (lookup) {
        via.kind = ViaSpec::Kind::Lookup;
        via.lookup = reader.path(table, section, "lookup");
        via.layer = reader.text(table, section, "layer", false, "a layer name");
        via.from = reader.text(table, section, "from", true, "the lookup column holding the indicator table's codes");
        via.to = reader.text(table, section, "to", true, "the lookup column holding zone ids");
        via.change = reader.text(table, section, "change", false, "the lookup's change-code column (U, S, M, X)");
        if (const toml::node* split = table.get("split_weight")) {
            if (auto name = split->value<std::string>()) {
                if (*name == "equal") via.split_weight = ViaSpec::SplitWeight::Equal;
                else if (*name == "area") via.split_weight = ViaSpec::SplitWeight::Area;
                else reader.fail("'split_weight' in " + section + line_of(*split) + " is '" + *name + "'; expected 'equal', "
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
    } else {
        via.kind = ViaSpec::Kind::Points;
        via.site = parse_site_columns(reader, table, section, true);
        via.weight = reader.text(table, section, "weight", false, "a weight column (premises, people)");
    }
    return via;
}

}  // namespace

namespace run_detail {

RunConfig config_from_table(const toml::table& root, const std::filesystem::path& base_dir, const std::string& source_name) {
    Reader reader(source_name, base_dir);
    reader.check_keys(root, "the top level", {"run", "zones", "areas", "indicators", "partners", "postcodes", "scoring", "output"});
    RunConfig config;

    const auto& run = reader.section(root, "run", false);
    reader.check_keys(run, "[run]", {"crs", "threads", "allow_network", "allowed_folders"});
    if (auto crs = reader.text(run, "[run]", "crs", false, "a CRS such as \"EPSG:27700\""); !crs.empty())
        config.working_crs = crs;
    if (const toml::node* threads = run.get("threads")) {
        auto value = threads->value_exact<std::int64_t>();
        if (!value || *value < 0 || *value > 1024) reader.fail("'threads' in [run] must be a whole number from 0 (all cores) to 1024");
        config.threads = static_cast<int>(*value);
    }
    if (const toml::node* network = run.get("allow_network")) {
        auto value = network->value<bool>();
        if (!value) reader.fail("'allow_network' in [run] must be true or false");
        config.allow_network = *value;
    }

    if (const toml::node* folders = run.get("allowed_folders")) {
        const toml::array* list = folders->as_array();
        if (list == nullptr) reader.fail("'allowed_folders' in [run]" + line_of(*folders) + " must be a list of folder paths");
        toml::table holder;
        for (const auto& item : *list) {
            if (!item.is_string()) reader.fail("'allowed_folders' in [run]" + line_of(item) + " must hold folder paths (strings)");
            holder.insert_or_assign("folder", item.as_string()->get());
            config.allowed_folders.push_back(reader.path(holder, "[run] allowed_folders", "folder"));
        }
    }

    const auto& zones = reader.section(root, "zones", true);
    reader.check_keys(zones, "[zones]", {"path", "layer", "id"});
    config.zones.path = reader.path(zones, "[zones]", "path");
    config.zones.layer = reader.text(zones, "[zones]", "layer", false, "a layer name");
    config.zones.id = reader.text(zones, "[zones]", "id", true, "the name of the zone id column");

    const auto& areas = reader.section(root, "areas", true);
    reader.check_keys(areas, "[areas]", {"path", "layer", "id", "name", "x", "y", "crs", "postcode", "assign", "k", "where"});
    config.areas.where = reader.text(areas, "[areas]", "where", false, "an OGR SQL filter");
    config.areas.path = reader.path(areas, "[areas]", "path");
    config.areas.layer = reader.text(areas, "[areas]", "layer", false, "a layer name");
    config.areas.id = reader.text(areas, "[areas]", "id", true, "the name of the area id column");
    config.areas.name = reader.text(areas, "[areas]", "name", false, "the name of the area name column");
    config.areas.site = parse_site_columns(reader, areas, "[areas]", false, "drawn polygons");
    if (auto assign = reader.text(areas, "[areas]", "assign", false, "'nearest' or 'shared'"); !assign.empty()) {
        if (assign != "nearest" && assign != "shared")
            reader.fail("'assign' in [areas] is '" + assign + "'" + io::did_you_mean(assign, {"nearest", "shared"}) +
                        "; expected 'nearest' or 'shared'");
        if (!config.areas.from_members()) reader.fail("'assign' in [areas] only applies to member sites (give x, y and crs, or postcode)");
        config.areas.assign = assign;
    }
    if (const toml::node* k = areas.get("k")) {
        auto value = k->value_exact<std::int64_t>();
        if (!value || *value < 1 || *value > 100) reader.fail("'k' in [areas]" + line_of(*k) + " must be a whole number from 1 to 100");
        config.areas.k = static_cast<int>(*value);
    }

    const toml::node* indicators = root.get("indicators");
    if (indicators == nullptr) reader.fail("no [[indicators]]; expected at least one indicator table");
    if (!indicators->is_array_of_tables())
        reader.fail("'indicators' must be an array of tables, written [[indicators]]" + line_of(*indicators));
    std::set<std::string> names;
    int number = 0;
    for (const auto& node : *indicators->as_array()) {
        ++number;
        const auto& table = *node.as_table();
        const std::string section = "[[indicators]] #" + std::to_string(number);
        reader.check_keys(table, section, {"path", "layer", "key", "column", "name", "direction", "weight", "missing", "via"});
        IndicatorSpec spec;
        spec.path = reader.path(table, section, "path");
        spec.layer = reader.text(table, section, "layer", false, "a layer name");
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
        if (spec.column.empty() && !(spec.via && spec.via->kind == ViaSpec::Kind::Raster))
            reader.fail(section + " is missing 'column'; expected the indicator's numeric column");
        if (spec.name.empty()) reader.fail(section + " is a raster indicator without 'name'; expected an output column name");
        spec.direction = parse_direction(reader, section + line_of_key(table, "direction"), reader.text(table, section, "direction", true,
                                                                       "'higher_is_more_need' or 'lower_is_more_need'"));
        spec.weight = reader.number(table, section, "weight", 1.0);
        if (!(spec.weight >= 0.0) || !std::isfinite(spec.weight)) reader.fail("'weight' in " + section + " must be a finite number >= 0");
        spec.missing = parse_missing(reader, section + line_of_key(table, "missing"),
                                     reader.text(table, section, "missing", false, "a missing-value policy such as 'mean'"));
        if (!names.insert(spec.name).second)
            reader.fail(section + ": indicator name '" + spec.name + "' is used twice; give one of them a distinct 'name'");
        config.indicators.push_back(std::move(spec));
    }

    if (root.get("partners")) {
        const auto& partners = reader.section(root, "partners", false);
        reader.check_keys(partners, "[partners]", {"path", "layer", "x", "y", "crs", "postcode", "where"});
        PartnersSpec spec;
        spec.path = reader.path(partners, "[partners]", "path");
        spec.layer = reader.text(partners, "[partners]", "layer", false, "a layer name");
        spec.site = parse_site_columns(reader, partners, "[partners]", false, "for a point layer");
        spec.where = reader.text(partners, "[partners]", "where", false, "an OGR SQL filter");
        config.partners = std::move(spec);
    }

    if (root.get("postcodes")) {
        const auto& postcodes = reader.section(root, "postcodes", false);
        reader.check_keys(postcodes, "[postcodes]", {"path", "layer", "postcode", "x", "y", "crs", "unmatched"});
        PostcodesSpec spec;
        spec.path = reader.path(postcodes, "[postcodes]", "path");
        spec.layer = reader.text(postcodes, "[postcodes]", "layer", false, "a layer name");
        spec.postcode = reader.text(postcodes, "[postcodes]", "postcode", true, "the directory's postcode column");
        spec.x = reader.text(postcodes, "[postcodes]", "x", true, "the x (longitude/easting) column");
        spec.y = reader.text(postcodes, "[postcodes]", "y", true, "the y (latitude/northing) column");
        spec.crs = reader.text(postcodes, "[postcodes]", "crs", true, "the CRS of x and y, e.g. \"EPSG:4326\"");
        const std::string unmatched = reader.text(postcodes, "[postcodes]", "unmatched", false, "'error' or 'warn'");
        if (!unmatched.empty() && unmatched != "error" && unmatched != "warn")
            reader.fail("'unmatched' in [postcodes]" + line_of_key(postcodes, "unmatched") + " is '" + unmatched + "'" +
                        io::did_you_mean(unmatched, {"error", "warn"}) +
                        "; expected 'error' (stop) or 'warn' (leave such rows out and list them)");
        spec.warn_unmatched = unmatched == "warn";
        config.postcodes = std::move(spec);
    }
    std::vector<std::string> by_postcode;
    if (!config.areas.site.postcode.empty()) by_postcode.push_back("[areas]");
    if (config.partners && !config.partners->site.postcode.empty()) by_postcode.push_back("[partners]");
    for (std::size_t i = 0; i < config.indicators.size(); ++i)
        if (config.indicators[i].via && !config.indicators[i].via->site.postcode.empty())
            by_postcode.push_back("[[indicators]] #" + std::to_string(i + 1) + ".via");
    if (!by_postcode.empty() && !config.postcodes)
        reader.fail(by_postcode.front() + " places its rows by 'postcode' but the config has no [postcodes] section; expected "
                    "[postcodes] with the directory's path, postcode column, x, y and crs");

    // [scoring]: the method. Without its own [[scoring.indicators]], the index is the run's
    // [[indicators]] with their directions and weights.
    toml::table scoring = reader.section(root, "scoring", false);
    std::vector<std::string> indicator_names;
    for (const auto& spec : config.indicators) indicator_names.push_back(spec.name);
    if (!scoring.contains("indicators")) {
        toml::array list;
        for (const auto& spec : config.indicators) {
            toml::table entry;
            entry.insert("name", spec.name);
            entry.insert("direction", spec.direction == Direction::HigherIsMoreNeed ? "higher_is_more_need" : "lower_is_more_need");
            entry.insert("weight", spec.weight);
            list.push_back(std::move(entry));
        }
        scoring.insert("indicators", std::move(list));
    }
    config.scoring = scoring_detail::scoring_spec_from_table(scoring, "config " + source_name);
    // One place handles blanks: the scoring. An [[indicators]] entry's `missing` becomes the
    // policy of the scoring indicators that read it, unless they name their own.
    for (auto& indicator : config.scoring.indicators) {
        if (indicator.missing) continue;
        const std::string& source = indicator.column.empty() ? indicator.name : indicator.column;
        for (const auto& spec : config.indicators)
            if (spec.name == source && spec.missing) indicator.missing = spec.missing;
    }
    for (const auto& indicator : config.scoring.indicators) {
        for (const std::string* column : {&indicator.column, &indicator.standard_error_column}) {
            if (column->empty() || std::find(indicator_names.begin(), indicator_names.end(), *column) != indicator_names.end())
                continue;
            reader.fail("[scoring] indicator '" + indicator.name + "' uses '" + *column + "', which is not the name of any " +
                        "[[indicators]] entry" + io::did_you_mean(*column, indicator_names) + "; names: " +
                        io::join_names(indicator_names));
        }
    }

    const auto& output = reader.section(root, "output", true);
    reader.check_keys(output, "[output]", {"path", "tables"});
    config.output.path = reader.path(output, "[output]", "path");
    if (config.output.path.extension() != ".gpkg")
        reader.fail("'path' in [output] is '" + config.output.path.string() + "'; expected a GeoPackage path ending in .gpkg");
    if (const toml::node* tables = output.get("tables")) {
        const std::vector<std::string> known = {"csv", "xlsx"};
        const toml::array* list = tables->as_array();
        if (list == nullptr) reader.fail("'tables' in [output]" + line_of(*tables) + " must be a list such as [\"csv\", \"xlsx\"]");
        for (const auto& item : *list) {
            const auto format = item.value<std::string>();
            if (!format || (*format != "csv" && *format != "xlsx"))
                reader.fail("'tables' in [output]" + line_of(item) + " holds " +
                            (format ? "'" + *format + "'" + io::did_you_mean(*format, known) : std::string("a value that is not text")) +
                            "; expected \"csv\" or \"xlsx\"");
            (*format == "csv" ? config.output.csv : config.output.xlsx) = true;
        }
    }

    std::ostringstream json;
    json << toml::json_formatter{root};
    config.config_json = json.str();
    return config;
}

}  // namespace run_detail

RunConfig parse_config(const std::string& toml_text, const std::filesystem::path& base_dir, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& error) {
        const auto& at = error.source().begin;
        throw ConfigError("config " + source_name + " line " + std::to_string(at.line) + ", column " +
                          std::to_string(at.column) + ": " + std::string(error.description()));
    }
    return config_from_table(root, base_dir, source_name);
}

RunConfig load_config(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw ConfigError("config '" + path.string() + "' does not exist or is not a file");
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) throw ConfigError("config '" + path.string() + "' cannot be read");
    const auto absolute = std::filesystem::absolute(path).lexically_normal();
    RunConfig config = parse_config(text.str(), absolute.parent_path(), "'" + path.string() + "'");
    config.config_path = absolute;
    return config;
}

std::filesystem::path default_data_dir(const std::filesystem::path& start) {
    if (const char* env = std::getenv("FURTHEST_DATA"); env && *env) return env;
    std::error_code ec;
    for (auto folder = std::filesystem::absolute(start, ec); !folder.empty(); folder = folder.parent_path()) {
        const auto candidate = folder / "shared" / "data";
        if (std::filesystem::is_directory(candidate, ec)) return candidate;
        if (folder == folder.parent_path()) break;
    }
    return {};
}

}  // namespace furthest
