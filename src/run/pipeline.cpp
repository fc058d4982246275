// The run: read -> join by partnership boundary -> score -> roll up -> write.
// Geometry work happens once, when the crosswalk is built; the rest is linear algebra.
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "furthest/run.hpp"
#include "furthest/scoring.hpp"
#include "geography/repair.hpp"
#include "io/gdal_session.hpp"
#include "io/readers.hpp"
#include "io/writers.hpp"
#include "plan/rollup.hpp"
#include "run/manifest.hpp"
#include "run/stages.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

namespace furthest {
namespace {

using run_detail::ManifestFacts;

// Columns the run adds to the zones layer; inputs may not use these names.
const std::set<std::string> kZoneOutputColumns = {
    "score", "rank", "decile", "quintile", "rank_in_area", "map_class", "score_within_area", "national_rank",
    "national_decile", "rank_p05", "rank_median", "rank_p95", "p_top_decile", "p_top_n_in_area", "rank_moved_most_by",
    "area_id", "area_name", "area_share", "area_coverage", "n_partners"};

class Stopwatch {
public:
    explicit Stopwatch(ManifestFacts& facts, const RunOptions& options) : facts_(facts), options_(options) {}
    void stage(const std::string& name) {
        finish();
        current_ = name;
        start_ = std::chrono::steady_clock::now();
        if (options_.progress) options_.progress(name);
    }
    void finish() {
        if (current_.empty()) return;
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
        facts_.timings.emplace_back(current_, elapsed.count());
        current_.clear();
    }

private:
    ManifestFacts& facts_;
    const RunOptions& options_;
    std::string current_;
    std::chrono::steady_clock::time_point start_;
};

Column index_texts(const std::string& name, const std::vector<Eigen::Index>& index, const std::vector<std::string>& labels) {
    Column::Texts values(index.size());
    std::vector<bool> valid(index.size(), false);
    for (std::size_t i = 0; i < index.size(); ++i) {
        if (index[i] < 0) continue;
        values[i] = labels[static_cast<std::size_t>(index[i])];
        valid[i] = true;
    }
    return Column::texts(name, std::move(values), std::move(valid));
}

// Names the run will write must not collide with the inputs it copies; checked before any file is read.
void check_input_names(const RunConfig& config) {
    for (const auto& spec : config.indicators) {
        if (kZoneOutputColumns.count(spec.name) || spec.name == config.zones.id)
            throw ConfigError("indicator name '" + spec.name + "' clashes with an output column of the zones layer; "
                              "give it another 'name' in its [[indicators]] entry");
    }
    if (kZoneOutputColumns.count(config.zones.id))
        throw ConfigError("zones: id column '" + config.zones.id + "' clashes with an output column; rename it in '" +
                          config.zones.path.string() + "'");
}

// The indicator matrix in the order the scoring spec names its indicators.
ScoringInput scoring_input(const RunConfig& config, const Eigen::MatrixXd& indicators, const std::vector<std::string>& zone_ids,
                           const std::vector<Eigen::Index>& main_area, const std::vector<std::string>& area_names) {
    auto column_of = [&](const std::string& name) {
        for (std::size_t j = 0; j < config.indicators.size(); ++j)
            if (config.indicators[j].name == name) return static_cast<Eigen::Index>(j);
        throw ConfigError("[scoring] names indicator '" + name + "', which no [[indicators]] entry provides");
    };
    const auto& spec = config.scoring;
    ScoringInput input;
    input.values.resize(indicators.rows(), static_cast<Eigen::Index>(spec.indicators.size()));
    bool any_standard_errors = false;
    for (std::size_t i = 0; i < spec.indicators.size(); ++i) {
        input.values.col(static_cast<Eigen::Index>(i)) = indicators.col(column_of(spec.indicators[i].column));
        any_standard_errors = any_standard_errors || !spec.indicators[i].standard_error_column.empty();
    }
    if (any_standard_errors) {
        input.standard_errors = Eigen::MatrixXd::Constant(indicators.rows(), input.values.cols(), std::nan(""));
        for (std::size_t i = 0; i < spec.indicators.size(); ++i)
            if (!spec.indicators[i].standard_error_column.empty())
                input.standard_errors.col(static_cast<Eigen::Index>(i)) = indicators.col(column_of(spec.indicators[i].standard_error_column));
    }
    input.area.assign(main_area.begin(), main_area.end());
    input.area_names = area_names;
    input.zone_ids = zone_ids;
    return input;
}

// Score, ranks (blank for unscored zones), contributions and, with Monte Carlo draws, rank intervals.
void add_score_columns(Layer& zones, const ScoringResult& scored) {
    const std::size_t n = static_cast<std::size_t>(scored.score.size());
    auto ranks = [&](const char* name, const std::vector<std::int64_t>& values) {
        std::vector<bool> valid(n);
        for (std::size_t z = 0; z < n; ++z) valid[z] = !std::isnan(scored.score(static_cast<Eigen::Index>(z))) && values[z] > 0;
        zones.columns.push_back(Column::integers(name, values, std::move(valid)));
    };
    auto reals = [&](const std::string& name, const Eigen::VectorXd& values) {
        zones.columns.push_back(Column::reals(name, Column::Reals(values.data(), values.data() + values.size())));
    };
    reals("score", scored.score);
    ranks("rank", scored.rank);
    ranks("decile", scored.decile);
    ranks("quintile", scored.quintile);
    ranks("rank_in_area", scored.rank_in_area);
    ranks("map_class", scored.map_class);
    if (scored.area_reference_score.size() == static_cast<Eigen::Index>(n)) {
        reals("score_within_area", scored.area_reference_score);
        ranks("national_rank", scored.national_rank);
        ranks("national_decile", scored.national_decile);
    }
    for (std::size_t i = 0; i < scored.indicators.size(); ++i)
        reals("contrib_" + scored.indicators[i], scored.contributions.col(static_cast<Eigen::Index>(i)));
    const RankUncertainty& u = scored.uncertainty;
    if (u.draws > 0) {
        reals("rank_p05", u.p05_rank);
        reals("rank_median", u.median_rank);
        reals("rank_p95", u.p95_rank);
        reals("p_top_decile", u.p_top_decile);
        reals("p_top_n_in_area", u.p_top_n_in_area);
        Column::Texts factor(n);
        std::vector<bool> valid(n, false);
        for (std::size_t z = 0; z < n && z < u.most_influential.size(); ++z)
            if (u.most_influential[z] >= 0) {
                factor[z] = u.factors[static_cast<std::size_t>(u.most_influential[z])];
                valid[z] = true;
            }
        zones.columns.push_back(Column::texts("rank_moved_most_by", std::move(factor), std::move(valid)));
    }
}

}  // namespace

RunResult run(const RunConfig& config, const RunOptions& options) {
    RunResult result;
    ManifestFacts facts;
    facts.config = &config;
    Stopwatch clock(facts, options);

    check_input_names(config);
    clock.stage("reading zones");
    const OGRSpatialReference working_crs = io::spatial_reference(config.working_crs, "[run] crs");
    if (!working_crs.IsProjected())
        throw ConfigError("[run] crs '" + config.working_crs + "' is not projected; areas and distances need a projected "
                          "CRS in metres, e.g. \"EPSG:27700\"");
    Layer zones = io::read_vector({"zones", config.zones.path, config.zones.layer, io::GeometryFamily::Polygonal,
                                   config.allow_network, ""}, working_crs);
    facts.inputs.push_back({"zones", config.zones.path});
    const auto zone_ids = run_detail::unique_ids(zones, "zones", config.zones.path, config.zones.id);
    const std::string zones_at = "zones: '" + config.zones.path.string() + "'";
    for (const auto& repair : geography::repair_polygons(zones.wkb, zones_at, zone_ids, config.threads))
        result.warnings.push_back(zones_at + " feature " + std::to_string(repair.index + 1) + " (" + zone_ids[repair.index] +
                                  ") had invalid geometry (" + repair.reason + "); repaired with GEOS MakeValid");

    clock.stage("building areas");
    run_detail::ZoneSet zone_set{std::move(zones), zone_ids};
    run_detail::TableCache tables(config.allow_network, facts);
    run_detail::AreaSet areas = run_detail::build_areas(config, zone_set, working_crs, tables, facts, result.warnings);
    const auto& area_ids = areas.ids;
    const auto& area_names = areas.names;
    const Crosswalk& zone_to_area = areas.zone_to_area;
    const auto main_area = zone_to_area.main_target();
    const Eigen::VectorXd uncovered = zone_to_area.uncovered();
    std::size_t zones_without_area = 0;
    for (Eigen::Index a : main_area) zones_without_area += a < 0 ? 1 : 0;

    clock.stage("joining indicators");
    const auto n_zones = static_cast<Eigen::Index>(zone_ids.size());
    const auto n_indicators = static_cast<Eigen::Index>(config.indicators.size());
    Eigen::MatrixXd indicators(n_zones, n_indicators);
    for (Eigen::Index j = 0; j < n_indicators; ++j) {
        const IndicatorSpec& spec = config.indicators[static_cast<std::size_t>(j)];
        indicators.col(j) = run_detail::join_indicator(spec, zone_set, tables, config, working_crs, facts, result.warnings);
    }

    clock.stage("scoring");
    const ScoringResult scored = score_zones(scoring_input(config, indicators, zone_ids, main_area, area_names), config.scoring);
    for (const auto& warning : scored.warnings) result.warnings.push_back("scoring: " + warning);
    for (const auto& report : scored.imputed) {
        if (report.zones.empty() || report.method == "dropped") continue;  // drops are listed below
        std::vector<std::string> listed;
        for (std::size_t i = 0; i < report.zones.size(); ++i) {
            std::string item = zone_ids[static_cast<std::size_t>(report.zones[i])];
            if (i < report.values.size()) {
                char value[32];
                std::snprintf(value, sizeof value, "%.6g", report.values[i]);
                item += " = " + std::string(value);
            }
            listed.push_back(std::move(item));
        }
        const bool flagged = report.values.empty();
        result.warnings.push_back("scoring: indicator '" + report.indicator + "': " +
                                  run_detail::count_of(report.zones.size(), "blank value") +
                                  (flagged ? " left blank (missing = \"flag\"; those zones are scored on the indicators they have): "
                                           : " imputed with the " + report.method + ": ") +
                                  run_detail::list_some(listed));
    }
    if (!scored.dropped_zones.empty()) {
        std::vector<std::string> dropped;
        for (auto z : scored.dropped_zones) dropped.push_back(zone_ids[static_cast<std::size_t>(z)]);
        result.warnings.push_back("scoring: " + run_detail::count_of(dropped.size(), "zone") +
                                  " left unscored (missing = \"drop\"), kept with blank score and rank: " +
                                  run_detail::list_some(dropped));
    }

    std::vector<Eigen::Index> partner_zone, partner_area;
    if (config.partners) {
        clock.stage("locating partners");
        const PartnersSpec& spec = *config.partners;
        if (spec.site.given()) {
            result.partners = run_detail::locate_rows(io::read_table("partners", spec.path, spec.layer, config.allow_network, spec.where),
                                                      "partners", spec.path, spec.site, tables,
                                                      config, working_crs, result.warnings);
        } else {
            result.partners = io::read_vector(
                {"partners", spec.path, spec.layer, io::GeometryFamily::Point, config.allow_network, spec.where}, working_crs);
        }
        result.partners.name = "partners";
        facts.inputs.push_back({"partners", spec.path});
        partner_zone = locate_points(result.partners.wkb, zone_set.layer.wkb, config.threads);
        partner_area = locate_points(result.partners.wkb, areas.layer.wkb, config.threads);
        const auto outside = std::count(partner_zone.begin(), partner_zone.end(), Eigen::Index{-1});
        if (outside > 0)
            result.warnings.push_back("partners: " + std::to_string(outside) + " of " + std::to_string(partner_zone.size()) +
                                      " partner sites lie in no zone (kept, with blank zone_id)");
        for (const char* name : {"zone_id", "area_id"})
            if (result.partners.find(name)) throw InputError("partners: '" + spec.path.string() + "' already has a column '" +
                                                             std::string(name) + "'; rename it");
        result.partners.columns.push_back(index_texts("zone_id", partner_zone, zone_ids));
        result.partners.columns.push_back(index_texts("area_id", partner_area, area_ids));
    }

    clock.stage("rolling up by area");
    const auto rollup = plan::roll_up(area_ids.size(), main_area, scored.score, scored.decile, partner_area);

    // zones layer: id as given, indicator inputs, then the run's columns.
    result.zones.name = "zones";
    result.zones.columns.push_back(io::require_column(zone_set.layer, "zones", config.zones.path, config.zones.id));
    result.zones.wkb = std::move(zone_set.layer.wkb);  // last use of the zones' geometry
    result.zones.crs_wkt = zone_set.layer.crs_wkt;
    for (Eigen::Index j = 0; j < n_indicators; ++j) {
        const Eigen::VectorXd column = indicators.col(j);
        result.zones.columns.push_back(Column::reals(config.indicators[static_cast<std::size_t>(j)].name,
                                                     Column::Reals(column.data(), column.data() + column.size())));
    }
    add_score_columns(result.zones, scored);
    result.zones.columns.push_back(index_texts("area_id", main_area, area_ids));
    result.zones.columns.push_back(index_texts("area_name", main_area, area_names));
    Column::Reals main_share(zone_ids.size(), 0.0), coverage(zone_ids.size());
    const auto& w = zone_to_area.weights();
    for (std::size_t z = 0; z < zone_ids.size(); ++z) {
        coverage[z] = 1.0 - uncovered(static_cast<Eigen::Index>(z));
        if (main_area[z] >= 0) main_share[z] = w.coeff(static_cast<Eigen::Index>(z), main_area[z]);
    }
    result.zones.columns.push_back(Column::reals("area_share", std::move(main_share)));
    result.zones.columns.push_back(Column::reals("area_coverage", std::move(coverage)));
    if (config.partners) {
        Column::Integers count(zone_ids.size(), 0);
        for (Eigen::Index z : partner_zone)
            if (z >= 0) ++count[static_cast<std::size_t>(z)];
        result.zones.columns.push_back(Column::integers("n_partners", std::move(count)));
    }

    result.areas.name = "areas";
    result.areas.wkb = std::move(areas.layer.wkb);
    result.areas.crs_wkt = zone_set.layer.crs_wkt;
    result.areas.columns.push_back(Column::texts("area_id", area_ids));
    result.areas.columns.push_back(Column::texts("area_name", area_names));
    result.areas.columns.push_back(Column::integers("n_zones", rollup.n_zones));
    result.areas.columns.push_back(Column::reals("score_mean", rollup.score_mean));
    result.areas.columns.push_back(Column::reals("score_median", rollup.score_median));
    result.areas.columns.push_back(Column::integers("n_top_decile", rollup.n_top_decile));
    if (config.partners) result.areas.columns.push_back(Column::integers("n_partners", rollup.n_partners));

    result.zone_areas.name = "zone_areas";
    Column::Texts pair_zone, pair_area;
    Column::Reals pair_share;
    for (Eigen::Index z = 0; z < w.outerSize(); ++z)
        for (Crosswalk::Matrix::InnerIterator it(w, z); it; ++it) {
            pair_zone.push_back(zone_ids[static_cast<std::size_t>(z)]);
            pair_area.push_back(area_ids[static_cast<std::size_t>(it.col())]);
            pair_share.push_back(it.value());
        }
    result.zone_areas.columns.push_back(Column::texts("zone_id", std::move(pair_zone)));
    result.zone_areas.columns.push_back(Column::texts("area_id", std::move(pair_area)));
    result.zone_areas.columns.push_back(Column::reals("share", std::move(pair_share)));

    facts.working_crs_wkt = result.zones.crs_wkt;
    facts.counts = {{"zones", static_cast<long long>(zone_ids.size())},
                    {"zones_scored", static_cast<long long>(n_zones) - static_cast<long long>(scored.dropped_zones.size())},
                    {"areas", static_cast<long long>(area_ids.size())},
                    {"zones_without_area", static_cast<long long>(zones_without_area)},
                    {"zones_with_coverage_shortfall", static_cast<long long>(facts.coverage_shortfalls.size())},
                    {"zone_area_pairs", static_cast<long long>(w.nonZeros())},
                    {"indicators", static_cast<long long>(n_indicators)},
                    {"partners", static_cast<long long>(result.partners.rows())}};
    facts.method = "Each indicator was brought onto the zones by key, or through a lookup or points as its note says. " +
                   scored.method_summary + " Zones were assigned to partnership areas by " + areas.method +
                   "; every zone-area share is kept in the zone_areas table.";
    facts.scoring_json = scoring_method_json(scored);

    clock.finish();
    facts.warnings = result.warnings;
    if (options.write) {
        // Every output is staged under a temporary name and renamed into place, the manifest
        // last, so a failed or killed run leaves last month's layers and tables as they were.
        // The manifest records each output's SHA-256: whatever a kill between two renames
        // leaves, a file that does not belong to the manifest beside it shows.
        io::StagedOutputs staged;
        const auto write_start = std::chrono::steady_clock::now();
        if (options.progress) options.progress("writing " + config.output.path.string());
        std::vector<const Layer*> layers = {&result.zones, &result.areas};
        if (config.partners) layers.push_back(&result.partners);
        layers.push_back(&result.zone_areas);
        const auto gpkg_tmp = staged.stage(config.output.path);
        io::write_geopackage(gpkg_tmp, layers);
        facts.output_path = config.output.path;
        facts.written.push_back({config.output.path, gpkg_tmp});
        if (config.output.csv) {
            for (const Layer* layer : layers) {
                const auto path = config.output.csv_path(layer->name);
                const auto temporary = staged.stage(path);
                io::write_csv_table(temporary, *layer);
                facts.table_paths.push_back(path);
                facts.written.push_back({path, temporary});
            }
        }
        if (config.output.xlsx) {
            const auto temporary = staged.stage(config.output.xlsx_path());
            io::write_xlsx(temporary, layers);
            facts.table_paths.push_back(config.output.xlsx_path());
            facts.written.push_back({config.output.xlsx_path(), temporary});
        }
        const auto manifest_path = config.output.manifest_path();
        const auto manifest_tmp = staged.stage(manifest_path);
        for (const auto& stale : staged.stale_removed())
            facts.warnings.push_back("output: removed '" + stale.string() + "', left by an earlier run that was killed");
        result.warnings = facts.warnings;
        facts.timings.emplace_back("writing", std::chrono::duration<double>(std::chrono::steady_clock::now() - write_start).count());
        result.manifest_json = run_detail::manifest_json(facts);
        io::write_text_file(manifest_tmp, result.manifest_json);
        staged.commit();
        result.output_path = config.output.path;
        result.manifest_path = manifest_path;
        result.table_paths = facts.table_paths;
    } else {
        result.manifest_json = run_detail::manifest_json(facts);
    }
    return result;
}

RunResult run(const std::filesystem::path& config_path, const RunOptions& options) {
    return run(load_config(config_path), options);
}

RunResult validate(const RunConfig& config) {
    RunOptions options;
    options.write = false;
    return run(config, options);
}

}  // namespace furthest
