// Indicators onto the zones: by key, through a code lookup (e.g. 2011 -> 2021 LSOAs), or
// through points (e.g. postcodes with premises). Every path ends in one vector per zone.
#include "furthest/errors.hpp"
#include "furthest/io.hpp"
#include "furthest/zonal.hpp"
#include "io/gdal_session.hpp"
#include "io/readers.hpp"
#include "run/inputs.hpp"
#include "run/run_state.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace furthest::run_detail {
namespace {

std::string role_of(const IndicatorSpec& spec) { return "indicator '" + spec.name + "'"; }

// key -> row, refusing duplicate keys (a table must say one thing per place).
std::unordered_map<std::string, std::size_t> rows_by_key(const Layer& table, const Column& key, const std::string& role,
                                                         const std::filesystem::path& path, const std::string& key_name,
                                                         const std::string& expected) {
    std::unordered_map<std::string, std::size_t> row_of;
    row_of.reserve(table.rows());
    for (std::size_t row = 0; row < table.rows(); ++row) {
        std::string k = io::key_text(key, row);
        if (k.empty()) continue;
        auto [it, inserted] = row_of.emplace(k, row);
        if (!inserted)
            throw InputError(role + ": '" + path.string() + "' rows " + std::to_string(it->second + 1) + " and " +
                             std::to_string(row + 1) + " both have key '" + k + "' in column '" + key_name + "'; " + expected);
    }
    return row_of;
}

// Blanks go on to the scoring, whose missing-value policy fills, drops or flags them (and
// reports it). Two cases are refused here, where the file and column can still be named: a
// blank under the policy "error", and a column with nothing to impute from.
std::size_t check_blanks(const IndicatorSpec& spec, const Eigen::VectorXd& x, const std::vector<std::string>& labels,
                         const RunConfig& config) {
    std::vector<std::string> blank;
    for (Eigen::Index z = 0; z < x.size(); ++z)
        if (std::isnan(x(z))) blank.push_back(labels[static_cast<std::size_t>(z)]);
    if (blank.empty()) return 0;
    bool refused = false, imputed = false;
    for (const auto& method : config.scoring.indicators) {
        if ((method.column.empty() ? method.name : method.column) != spec.name) continue;
        const MissingValues policy = method.missing.value_or(config.scoring.missing);
        refused = refused || policy == MissingValues::Error;
        imputed =
            imputed || policy == MissingValues::Mean || policy == MissingValues::Median || policy == MissingValues::AreaMean;
    }
    const std::string where =
        role_of(spec) + ": '" + spec.path.string() + "'" + (spec.column.empty() ? "" : " column '" + spec.column + "'");
    if (refused)
        throw InputError(where + " is blank for " + count_of(blank.size(), "zone") + ": " + list_some(blank) +
                         "; expected a number (or set missing = \"mean\", \"median\", \"area_mean\", \"drop\" or \"flag\")");
    if (imputed && blank.size() == labels.size())
        throw InputError(where + " is blank for every zone; expected at least one number to impute from");
    return blank.size();
}

Eigen::VectorXd by_key(const IndicatorSpec& spec, const Layer& table, const ZoneSet& zones, std::vector<std::string>& labels,
                       std::string& note) {
    const std::string role = role_of(spec);
    const Column& key = io::require_column(table, role, spec.path, spec.key);
    const Column& values = io::require_column(table, role, spec.path, spec.column);
    const auto row_of = rows_by_key(table, key, role, spec.path, spec.key, "expected one row per zone");
    Eigen::VectorXd x(static_cast<Eigen::Index>(zones.ids.size()));
    std::vector<std::string> unmatched;
    for (std::size_t z = 0; z < zones.ids.size(); ++z) {
        auto it = row_of.find(zones.ids[z]);
        if (it == row_of.end()) {
            unmatched.push_back(zones.ids[z]);
            continue;
        }
        x(static_cast<Eigen::Index>(z)) = io::numeric_value(values, it->second, role, spec.path);
        labels[z] = zones.ids[z] + " (row " + std::to_string(it->second + 1) + ")";
    }
    if (!unmatched.empty())
        throw InputError(role + ": '" + spec.path.string() + "' has no row for " + std::to_string(unmatched.size()) + " of " +
                         count_of(zones.ids.size(), "zone") + " in key column '" + spec.key + "': " + list_some(unmatched) +
                         "; expected one row per zone");
    note =
        "joined on '" + spec.key + "'; " + std::to_string(row_of.size() - zones.ids.size()) + " table rows not among the zones";
    return x;
}

Eigen::VectorXd via_lookup(const IndicatorSpec& spec, const Layer& table, const ZoneSet& zones, TableCache& tables,
                           const RunConfig& config, std::string& note) {
    const ViaSpec& via = *spec.via;
    const std::string role = role_of(spec);
    const std::string lookup_role = role + " lookup";
    const Layer& lookup = tables.get(lookup_role, via.lookup, via.layer, "lookup table", via.encoding);
    const Column& from = io::require_column(lookup, lookup_role, via.lookup, via.from);
    const Column& to = io::require_column(lookup, lookup_role, via.lookup, via.to);
    const Column* change = via.change.empty() ? nullptr : &io::require_column(lookup, lookup_role, via.lookup, via.change);

    std::unordered_map<std::string, Eigen::Index> zone_of;
    for (std::size_t z = 0; z < zones.ids.size(); ++z) zone_of.emplace(zones.ids[z], static_cast<Eigen::Index>(z));
    std::unordered_map<std::string, Eigen::Index> source_of;
    std::vector<std::string> source_codes;
    std::vector<LookupPair> pairs;
    std::vector<bool> reached(zones.ids.size(), false);
    for (std::size_t row = 0; row < lookup.rows(); ++row) {
        auto zone = zone_of.find(io::key_text(to, row));
        if (zone == zone_of.end()) continue;  // national lookups list many places outside the run
        const std::string code = io::key_text(from, row);
        if (code.empty())
            throw InputError(lookup_role + ": '" + via.lookup.string() + "' row " + std::to_string(row + 1) + ", column '" +
                             via.from + "': code is blank; expected the indicator table's code");
        auto [source, inserted] = source_of.emplace(code, static_cast<Eigen::Index>(source_codes.size()));
        if (inserted) source_codes.push_back(code);
        char code_letter = 0;
        if (change) {
            const std::string c = io::key_text(*change, row);
            if (c.size() != 1 || std::string("USMX").find(c[0]) == std::string::npos)
                throw InputError(lookup_role + ": '" + via.lookup.string() + "' row " + std::to_string(row + 1) + ", column '" +
                                 via.change + "': change code '" + c + "'; expected U, S, M or X");
            code_letter = c[0];
        }
        pairs.push_back({source->second, zone->second, code_letter});
        reached[static_cast<std::size_t>(zone->second)] = true;
    }
    std::vector<std::string> unreached;
    for (std::size_t z = 0; z < zones.ids.size(); ++z)
        if (!reached[z]) unreached.push_back(zones.ids[z]);
    if (!unreached.empty())
        throw InputError(lookup_role + ": '" + via.lookup.string() + "' has no row for " + count_of(unreached.size(), "zone") +
                         " in column '" + via.to + "': " + list_some(unreached) + "; expected every zone id to appear");

    Eigen::VectorXd target_weight;
    std::string split_rule = "equally";
    if (via.split_weight == ViaSpec::SplitWeight::Area) {
        target_weight = polygon_areas(zones.layer->wkb, config.threads, tables.control());
        split_rule = "by zone area";
    } else if (via.split_weight == ViaSpec::SplitWeight::Table) {
        const std::string weight_role = role + " split weights";
        const Layer& weights = tables.get(weight_role, via.weight_path, "", "split weights");
        const Column& key = io::require_column(weights, weight_role, via.weight_path, via.weight_key);
        const Column& column = io::require_column(weights, weight_role, via.weight_path, via.weight_column);
        const auto row_of = rows_by_key(weights, key, weight_role, via.weight_path, via.weight_key, "expected one row per zone");
        target_weight.resize(static_cast<Eigen::Index>(zones.ids.size()));
        for (std::size_t z = 0; z < zones.ids.size(); ++z) {
            auto it = row_of.find(zones.ids[z]);
            if (it == row_of.end())
                throw InputError(weight_role + ": '" + via.weight_path.string() + "' has no row for zone '" + zones.ids[z] +
                                 "' in column '" + via.weight_key + "'; expected a weight for every zone");
            const double w = io::numeric_value(column, it->second, weight_role, via.weight_path, false);
            if (!(w >= 0.0))
                throw InputError(weight_role + ": '" + via.weight_path.string() + "' row " + std::to_string(it->second + 1) +
                                 ", column '" + via.weight_column + "': expected a weight >= 0");
            target_weight(static_cast<Eigen::Index>(z)) = w;
        }
        split_rule = "by '" + via.weight_column + "' of '" + via.weight_path.string() + "'";
    }
    const LookupCrosswalk crosswalk = lookup_crosswalk(static_cast<Eigen::Index>(source_codes.size()),
                                                       static_cast<Eigen::Index>(zones.ids.size()), pairs, target_weight);

    // Source values: the indicator table keyed by the lookup's source codes.
    const Column& key = io::require_column(table, role, spec.path, spec.key);
    const Column& values = io::require_column(table, role, spec.path, spec.column);
    const auto row_of = rows_by_key(table, key, role, spec.path, spec.key, "expected one row per code");
    Eigen::VectorXd source_values(static_cast<Eigen::Index>(source_codes.size()));
    std::size_t absent = 0;
    for (std::size_t s = 0; s < source_codes.size(); ++s) {
        auto it = row_of.find(source_codes[s]);
        if (it == row_of.end()) ++absent;
        source_values(static_cast<Eigen::Index>(s)) =
            it == row_of.end() ? std::nan("") : io::numeric_value(values, it->second, role, spec.path);
    }
    Eigen::VectorXd missing_share;
    Eigen::VectorXd x = via.extensive ? crosswalk.crosswalk.apply_extensive(source_values, &missing_share)
                                      : crosswalk.crosswalk.apply_intensive(source_values, &missing_share);
    if (via.extensive) {
        // A count that lost part of its sources is not the count: blank it, so the missing policy decides.
        for (Eigen::Index z = 0; z < x.size(); ++z)
            if (missing_share(z) > 0.0) x(z) = std::nan("");
    }
    std::map<std::string, int> derivations;
    for (const auto& d : crosswalk.derivation) ++derivations[d.empty() ? "?" : d];
    std::string derived;
    for (const auto& [code, n] : derivations) derived += (derived.empty() ? "" : ", ") + code + ": " + std::to_string(n);
    const std::size_t partial = static_cast<std::size_t>((missing_share.array() > 0.0).count());
    note = "via lookup '" + via.lookup.string() + "' ('" + via.from + "' -> '" + via.to + "'), " +
           (via.extensive ? "extensive (summed)" : "intensive (mean)") + ", splits apportioned " + split_rule +
           "; zones by derivation {" + derived + "}; " + std::to_string(source_codes.size()) + " source codes, " +
           std::to_string(absent) + " without a row in the table, " + std::to_string(partial) +
           " zones with part of their sources missing";
    return x;
}

Eigen::VectorXd via_points(const IndicatorSpec& spec, const Layer& table, const ZoneSet& zones, TableCache& tables,
                           const RunConfig& config, const OGRSpatialReference& working_crs, Reports& reports, std::string& note) {
    const ViaSpec& via = *spec.via;
    const std::string role = role_of(spec);
    Layer points = locate_rows(table, role, spec.path, via.site, tables, config, working_crs, reports);
    const auto raw = io::numeric_values(io::require_column(points, role, spec.path, spec.column), role, spec.path);
    Eigen::VectorXd values = Eigen::Map<const Eigen::VectorXd>(raw.data(), static_cast<Eigen::Index>(raw.size()));
    Eigen::VectorXd weight;
    if (!via.weight.empty()) {
        const auto w = io::numeric_values(io::require_column(points, role, spec.path, via.weight), role, spec.path, false);
        weight = Eigen::Map<const Eigen::VectorXd>(w.data(), static_cast<Eigen::Index>(w.size()));
    }
    const Crosswalk crosswalk = points_crosswalk(points.wkb, zones.layer->wkb, weight, config.threads, tables.control());
    const auto outside = static_cast<std::size_t>((crosswalk.uncovered().array() > 0.5).count());
    if (outside > 0)
        reports.warn("points_outside_zones",
                     role + ": " + count_of(outside, "point") + " of '" + spec.path.string() + "' lie in no zone");
    // A zone no point reaches: a mean is blank (NaN, for the missing policy), a count is zero.
    Eigen::VectorXd x = via.extensive ? crosswalk.apply_extensive(values) : crosswalk.apply_intensive(values);
    const SiteColumns& site = via.site;
    const std::string placed = site.postcode.empty() ? "('" + site.x + "', '" + site.y + "' in " + site.crs + ")"
                                                     : "placed by postcode ('" + site.postcode + "')";
    note = "via points " + placed + " located in the zones, " +
           (via.extensive ? "summed" : "averaged" + std::string(via.weight.empty() ? "" : " weighted by '" + via.weight + "'")) +
           "; " + std::to_string(points.rows()) + " of " + std::to_string(table.rows()) + " rows placed, " +
           std::to_string(outside) + " in no zone";
    return x;
}

Eigen::VectorXd via_raster(const IndicatorSpec& spec, const ZoneSet& zones, const RunConfig& config, ManifestFacts& facts,
                           const Control& control, std::string& note) {
    const ViaSpec& via = *spec.via;
    const std::string role = role_of(spec);
    const io::RasterRequest request{role, spec.path, via.band, config.allow_network};
    const Grid full = io::read_raster_grid(request);
    facts.inputs.push_back({"indicator raster", spec.path});
    // Zones move into the raster's CRS (not the raster into ours): cells stay as published.
    const auto wkb = io::reproject_geometries(zones.layer->wkb, zones.layer->crs_wkt, full.crs_wkt, role + " zones");
    const RasterBand band = io::read_raster_band(request, polygon_bounds(wkb));
    std::optional<RasterBand> weights;
    ZonalOptions options;
    options.statistics = {via.zonal};
    options.threshold = via.threshold;
    options.threads = config.threads;
    if (!via.raster_weights.empty()) {
        const io::RasterRequest weight_request{role + " weights", via.raster_weights, 1, config.allow_network};
        weights = io::read_raster_band(weight_request, polygon_bounds(wkb));
        facts.inputs.push_back({"indicator raster weights", via.raster_weights});
        options.weights = &*weights;
    }
    const ZonalTable table = zonal_statistics(wkb, band, options, control);
    note = "zonal " + zonal_statistic_name(via.zonal) + " of band " + std::to_string(via.band) + " of raster '" +
           spec.path.string() + "' over exact cell-coverage fractions" +
           (via.threshold ? " (threshold " + std::to_string(*via.threshold) + ")" : "") +
           (via.raster_weights.empty() ? "" : ", weighted by '" + via.raster_weights.string() + "'");
    return table.column(options.statistics.front());
}

}  // namespace

const Layer& TableCache::get(const std::string& role, const std::filesystem::path& path, const std::string& layer,
                             const std::string& manifest_role, const std::string& encoding) {
    // Read once per file, layer and declared encoding.
    const auto key = std::make_pair(path.string(), layer + '\n' + encoding);
    auto it = tables_.find(key);
    if (it == tables_.end()) {
        it = tables_.emplace(key, io::read_table(role, path, layer, allow_network_, "", {}, control_, encoding)).first;
        facts_.inputs.push_back({manifest_role, path});
    }
    return it->second;
}

Eigen::VectorXd join_indicator(const IndicatorSpec& spec, const ZoneSet& zones, TableCache& tables, const RunConfig& config,
                               const OGRSpatialReference& working_crs, ManifestFacts& facts, Reports& reports) {
    std::vector<std::string> labels = zones.ids;
    std::string note;
    Eigen::VectorXd x;
    if (spec.via && spec.via->kind == ViaSpec::Kind::Raster) {
        x = via_raster(spec, zones, config, facts, tables.control(), note);
    } else {
        const Layer& table = tables.get(role_of(spec), spec.path, spec.layer, "indicator table", spec.encoding);
        if (!spec.via) x = by_key(spec, table, zones, labels, note);
        else if (spec.via->kind == ViaSpec::Kind::Lookup) x = via_lookup(spec, table, zones, tables, config, note);
        else x = via_points(spec, table, zones, tables, config, working_crs, reports, note);
    }
    const std::size_t blanks = check_blanks(spec, x, labels, config);
    const std::string source =
        spec.column.empty() ? "'" + spec.path.string() + "'" : "column '" + spec.column + "' of '" + spec.path.string() + "'";
    facts.indicator_notes.push_back(
        spec.name + ": " + source + " " + note + "; " + std::to_string(blanks) +
        " blank (left to the scoring's missing-value policy); direction " +
        (spec.direction == Direction::HigherIsMoreNeed ? "higher_is_more_need" : "lower_is_more_need") + ", weight " +
        std::to_string(spec.weight));
    return x;
}

std::string count_of(std::size_t n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

std::string list_some(const std::vector<std::string>& items, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > limit) out += ", ... (" + std::to_string(items.size()) + " in all)";
    return out;
}

std::vector<std::string> unique_ids(const Layer& layer, const std::string& role, const std::filesystem::path& path,
                                    const std::string& column_name) {
    const Column& column = io::require_column(layer, role, path, column_name);
    std::vector<std::string> ids(layer.rows());
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t row = 0; row < ids.size(); ++row) {
        ids[row] = io::key_text(column, row);
        const std::string at =
            role + ": '" + path.string() + "' feature " + std::to_string(row + 1) + ", column '" + column_name + "'";
        if (ids[row].empty()) throw InputError(at + ": id is blank; expected a unique id");
        auto [it, inserted] = seen.emplace(ids[row], row);
        if (!inserted)
            throw InputError(at + ": id '" + ids[row] + "' repeats feature " + std::to_string(it->second + 1) +
                             "; expected unique ids");
    }
    return ids;
}

}  // namespace furthest::run_detail
