// The run: an ordered list of stages over one run state. To add a stage: write
// src/run/stages/<name>.cpp (its work, the tables it makes, the zone columns it adds), give
// RunState a member for what it adds, and put it in the list below.
#include "furthest/errors.hpp"
#include "furthest/run.hpp"
#include "io/confinement.hpp"
#include "io/writers.hpp"
#include "run/invariants.hpp"
#include "run/run_state.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string_view>

namespace furthest {
namespace run_detail {

extern const Stage read_zones_stage, build_areas_stage, join_indicators_stage, join_population_stage, score_stage,
    locate_partners_stage, access_stage, hotspots_stage, roll_up_stage, rollout_stage, monitoring_stage, name_rows_stage,
    write_outputs_stage;

const std::vector<Stage>& pipeline() {
    static const std::vector<Stage> stages = {
        read_zones_stage,       // zones: ids, geometry in the working CRS -> the zones table
        build_areas_stage,      // areas and the zone -> area crosswalk -> the areas table
        join_indicators_stage,  // [[indicators]] onto the zones -> indicator columns
        join_population_stage,  // [population] onto the zones -> population
        score_stage,            // the need index and its intervals -> score columns
        locate_partners_stage,  // [[partners]] in zones and areas -> the partners and partner_quality tables
        access_stage,           // [access]: zones x partners -> access columns, the need-support gap
        hotspots_stage,         // [hotspots]: Gi* and local Moran of the gap (or need) -> hotspot columns
        roll_up_stage,          // zones and partners by area -> area columns, roll-up, zone_areas
        rollout_stage,          // [rollout]: areas and zones into waves, stability, equity, allocation
        monitoring_stage,       // [monitoring]: the activity log against need and the plan, fed back, under disclosure control
        name_rows_stage,        // zone_name and area_name beside every zone_id and area_id
        write_outputs_stage,    // the catalogue to GeoPackage, CSV/XLSX and manifest, all or nothing
    };
    return stages;
}

namespace {

// Names the run writes must not collide with the input columns it copies into the zones
// table; checked before any file is read.
void check_zone_column_names(const RunConfig& config) {
    std::set<std::string> reserved;
    const RunOptions options;
    for (const Stage& stage : pipeline())
        if (stage.applies(config, options))  // a stage's columns follow from its own section
            for (auto& name : stage.zone_columns(config)) reserved.insert(std::move(name));
    for (const auto& spec : config.indicators)
        if (reserved.count(spec.name) || spec.name == config.zones.id)
            run_detail::refuse_config(config, "indicator name '" + spec.name +
                                                  "' clashes with an output column of the zones layer; "
                                                  "give it another 'name' in its [[indicators]] entry");
    if (reserved.count(config.zones.id))
        run_detail::refuse_config(config, "zones: id column '" + config.zones.id +
                                              "' clashes with an output column; rename it in '" + config.zones.path.string() +
                                              "'");
}

std::string folded(std::string_view name) {
    std::string out(name);
    // SQLite compares column names without regard to ASCII case ("Score" is "score").
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The output names the config fixes, checked against what GeoPackage (SQLite), CSV and XLSX
// accept, before any file is read: a name one of them cannot take would fail (or be silently
// renamed by GDAL) only at the very end, after the whole run.
void check_output_names(const RunConfig& config, const std::vector<TableInfo>& tables) {
    for (const auto& table : tables) {
        std::string why;
        if (table.name.empty() || table.name.size() > 31) why = "is not 1 to 31 characters long (an XLSX sheet name)";
        else if (table.name.find_first_of("[]:*?/\\") != std::string::npos)
            why = "holds one of []:*?/\\, which an XLSX sheet name cannot";
        else if (folded(table.name).rfind("gpkg_", 0) == 0 || folded(table.name).rfind("sqlite_", 0) == 0 ||
                 folded(table.name).rfind("rtree_", 0) == 0)
            why = "starts with gpkg_, sqlite_ or rtree_, which a GeoPackage keeps for itself";
        if (!why.empty())
            run_detail::refuse_config(config, "output table '" + table.name + "' (made by '" + table.stage + "') " + why);
    }
    // Every zones column a config names, with where the name comes from.
    std::vector<std::pair<std::string, std::string>> named = {
        {config.zones.id, "[zones] id (column '" + config.zones.id + "' of '" + config.zones.path.string() + "')"}};
    for (std::size_t i = 0; i < config.indicators.size(); ++i) {
        const auto& spec = config.indicators[i];
        named.emplace_back(spec.name, "[[indicators]] #" + std::to_string(i + 1) + " name '" + spec.name + "' (column '" +
                                          spec.column + "' of '" + spec.path.string() + "')");
    }
    for (const auto& [name, origin] : named) {
        std::string why;
        if (name.empty()) why = "is empty";
        else if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            why = "holds a control character, which a GeoPackage column name and a spreadsheet header cannot";
        else if (folded(name) == "fid")
            why =
                "would be the zones layer's 'fid', the GeoPackage's feature id, which furthest writes itself (a QGIS "
                "export's fid is a row number, not a zone code)";
        else if (folded(name) == "geometry") why = "would be the zones layer's 'geometry', the GeoPackage's geometry column";
        if (!why.empty())
            run_detail::refuse_config(config, origin + ": the output column '" + name + "' " + why +
                                                  (origin.rfind("[[indicators]]", 0) == 0 ? "; give the indicator another 'name'"
                                                                                          : "; choose another id column"));
    }
    // Names differing only in case are one column to SQLite (and to a reader of the spreadsheet).
    // The run's own names first, so a clash is reported against the name the config chose.
    std::vector<std::pair<std::string, std::string>> all;
    const RunOptions options;
    for (const Stage& stage : pipeline())
        if (stage.applies(config, options))
            for (auto& name : stage.zone_columns(config)) all.emplace_back(std::move(name), "the run's own zones column");
    all.insert(all.end(), named.begin(), named.end());
    std::map<std::string, const std::pair<std::string, std::string>*> seen;
    for (const auto& entry : all) {
        auto [it, added] = seen.emplace(folded(entry.first), &entry);
        if (added || it->second->first == entry.first) continue;  // exact repeats: the clash check above
        run_detail::refuse_config(config, entry.second + ": the output column '" + entry.first + "' differs only in case from '" +
                                              it->second->first + "' (" + it->second->second +
                                              "), and GeoPackage (SQLite) column names ignore case; rename one of them");
    }
}

std::vector<std::string> table_names(const RunConfig& config) {
    std::vector<std::string> names;
    for (const auto& info : output_tables(config)) names.push_back(info.name);
    return names;
}

RunResult result_of(RunState& state) {
    RunResult result;
    for (auto& [info, layer] : state.outputs.tables()) {
        result.catalogue.push_back(info);
        result.tables.push_back(std::move(layer));
    }
    result.warnings = state.reports.warnings();
    result.manifest_json = state.facts.manifest;
    if (!state.facts.manifest_path.empty()) {
        result.output_path = state.facts.output_path;
        result.manifest_path = state.facts.manifest_path;
        result.table_paths = state.facts.table_paths;
    }
    return result;
}

}  // namespace

}  // namespace run_detail

std::vector<TableInfo> output_tables(const RunConfig& config) {
    std::vector<TableInfo> tables;
    const RunOptions options;
    for (const auto& stage : run_detail::pipeline())
        if (stage.applies(config, options))
            for (auto& info : stage.tables(config)) tables.push_back(std::move(info));
    return tables;
}

std::vector<std::string> run_stages(const RunConfig& config) {
    RunOptions options;
    std::vector<std::string> names;
    for (const auto& stage : run_detail::pipeline())
        if (stage.applies(config, options)) names.emplace_back(stage.name);
    return names;
}

void check_config(const RunConfig& config) {
    run_detail::check_invariants(config, run_detail::table_names(config));
    run_detail::check_zone_column_names(config);
    run_detail::check_output_names(config, output_tables(config));
}

RunResult run(const RunConfig& config, const RunOptions& options) {
    // At the door, whatever built the config: TOML, a Python dict, --output, C++.
    check_config(config);
    // A second run to the same output is refused before it reads anything (and again, for a
    // race, when it takes the lock to write).
    if (options.write) io::StagedOutputs::refuse_if_busy(config.output.path);
    // ... and past the door: whatever an input makes GDAL open is held to the same rules.
    io::RunConfinement confinement(config.allow_network, config.allowed_folders);
    run_detail::RunState state(config, options);
    state.facts.tables = output_tables(config);
    for (const auto& stage : run_detail::pipeline()) {
        if (!stage.applies(config, options)) continue;
        options.control.check(stage.name);
        options.control.report(stage.name);
        state.reports.begin_stage(stage.name);
        state.facts.stages.emplace_back(stage.name);
        const auto start = std::chrono::steady_clock::now();
        stage.run(state);
        for (auto& note : confinement.take_notes()) state.reports.warn("input_read_as", note.message, {note.path});
        // (The writing stage also times itself, into the manifest it writes.)
        state.facts.timings.emplace_back(stage.name,
                                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    if (!options.write) {
        state.facts.warnings = state.reports.warnings();
        state.facts.manifest = run_detail::manifest_json(state.facts);
    }
    return run_detail::result_of(state);
}

RunResult run(const std::filesystem::path& config_path, const RunOptions& options) {
    return run(load_config(config_path), options);
}

RunResult validate(const RunConfig& config, const Control& control) {
    RunOptions options;
    options.write = false;
    options.control = control;
    return run(config, options);
}

}  // namespace furthest
