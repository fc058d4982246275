// Stage: the output catalogue to disk, committed as a set (io::StagedOutputs): every file goes
// into a fresh version folder and one pointer is switched, so a failed, killed or stopped run
// leaves last month's layers and tables as they were, and a reader never sees a mix of two runs.
// The manifest records each output's SHA-256.
#include "furthest/errors.hpp"
#include "furthest/version.hpp"
#include "io/writers.hpp"
#include "run/map_styles.hpp"
#include "run/run_state.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "writing";

// Write one output through its temporary path; an error names the output as the user knows it,
// never the version folder it was being written in.
template <class Write>
void write_as(const std::filesystem::path& temporary, const std::filesystem::path& final_path, Write&& write) {
    try {
        write();
    } catch (const OutputError& error) {
        std::string message = error.what();
        const std::string hidden = temporary.string();
        for (auto at = message.find(hidden); at != std::string::npos; at = message.find(hidden, at))
            message.replace(at, hidden.size(), final_path.string());
        throw OutputError(message);
    }
}

bool applies(const RunConfig&, const RunOptions& options) { return options.write; }

// A JSON value as one cell: text as is, numbers and flags as JSON writes them, a list of such
// in brackets ("[2, 2, 1]"); empty for what does not fit a cell (lists of tables, matrices).
std::string cell_text(const nlohmann::ordered_json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump();
    if (!value.is_array() || value.empty()) return {};
    std::string joined;
    for (const auto& item : value) {
        if (item.is_structured()) return {};
        joined += (joined.empty() ? "[" : ", ") + cell_text(item);
    }
    return joined + "]";
}

// A manifest section's plain facts as rows, nested keys joined by ": " ("rollout: hubs: objective").
void add_facts(const std::string& prefix, const nlohmann::ordered_json& section, Column::Texts& keys, Column::Texts& values) {
    for (const auto& [key, value] : section.items()) {
        const std::string name = prefix + ": " + key;
        if (value.is_object()) {
            add_facts(name, value, keys, values);
            continue;
        }
        if (value.is_null()) continue;
        if (std::string text = cell_text(value); !text.empty()) {
            keys.push_back(name);
            values.push_back(std::move(text));
        }
    }
}

// The XLSX's "method" sheet: what a planner opening the workbook needs to read the tables right
// (the report's title and the attribution the data's licences require, then the method in plain
// words, the scoring's weights and each stage's facts), as (key, value) rows from the manifest's facts.
Layer method_sheet(const ManifestFacts& facts) {
    const RunConfig& config = *facts.config;
    Column::Texts keys, values;
    const auto row = [&](std::string key, std::string value) {
        keys.push_back(std::move(key));
        values.push_back(std::move(value));
    };
    row("title", config.report.title);
    for (const auto& line : config.report.attribution) row("attribution", line);
    row("furthest version", FURTHEST_VERSION);
    row("config", config.config_path.empty() ? config.source_name : config.config_path.string());
    row("working CRS", config.working_crs);
    for (const auto& sentence : facts.method) row("method", sentence);
    if (!facts.scoring_json.empty()) {
        // (The scoring's summary in words is among the method's sentences already.)
        const auto scoring = nlohmann::ordered_json::parse(facts.scoring_json);
        if (scoring.contains("indicators") && scoring.contains("effective_weights"))
            for (std::size_t i = 0; i < scoring["indicators"].size() && i < scoring["effective_weights"].size(); ++i)
                row("scoring: weight of " + cell_text(scoring["indicators"][i]), cell_text(scoring["effective_weights"][i]));
        if (scoring.contains("uncertainty")) add_facts("scoring: uncertainty", scoring["uncertainty"], keys, values);
        if (scoring.contains("class_breaks")) row("scoring: class breaks", cell_text(scoring["class_breaks"]));
    }
    for (const auto& [name, json] : facts.sections) add_facts(name, nlohmann::ordered_json::parse(json), keys, values);
    Layer sheet;
    sheet.name = "method";
    sheet.columns.push_back(Column::texts("key", std::move(keys)));
    sheet.columns.push_back(Column::texts("value", std::move(values)));
    return sheet;
}

void write(RunState& state) {
    const OutputSpec& output = state.config.output;
    ManifestFacts& facts = state.facts;
    const auto start = std::chrono::steady_clock::now();
    std::vector<const Layer*> layers;
    for (const auto& [info, layer] : state.outputs.tables()) layers.push_back(&layer);

    io::StagedOutputs staged;
    const auto gpkg_tmp = staged.stage(output.path);
    const auto styles = map_styles(layers);
    write_as(gpkg_tmp, output.path, [&] { io::write_geopackage(gpkg_tmp, layers, styles); });
    facts.output_path = output.path;
    facts.written.push_back({output.path, gpkg_tmp});
    state.control.check(kStage);
    if (output.csv) {
        for (const Layer* layer : layers) {
            const auto path = output.csv_path(layer->name);
            const auto temporary = staged.stage(path);
            write_as(temporary, path, [&] { io::write_csv_table(temporary, *layer); });
            facts.table_paths.push_back(path);
            facts.written.push_back({path, temporary});
        }
    }
    if (output.xlsx) {
        const auto temporary = staged.stage(output.xlsx_path());
        // The tables, then the method: a sheet after them, so a table's sheet is where it always was.
        const Layer method = method_sheet(facts);
        std::vector<const Layer*> sheets = layers;
        sheets.push_back(&method);
        write_as(temporary, output.xlsx_path(), [&] { io::write_xlsx(temporary, sheets); });
        facts.table_paths.push_back(output.xlsx_path());
        facts.written.push_back({output.xlsx_path(), temporary});
    }
    const auto manifest_path = output.manifest_path();
    const auto manifest_tmp = staged.stage(manifest_path);
    for (const auto& stale : staged.stale_removed())
        state.reports.warn("stale_temporary_removed",
                           "output: removed '" + stale.string() + "', left by an earlier run that was killed", {stale.string()});
    facts.warnings = state.reports.warnings();
    facts.timings.emplace_back(kStage, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    facts.manifest = manifest_json(facts);
    write_as(manifest_tmp, manifest_path, [&] { io::write_text_file(manifest_tmp, facts.manifest); });
    // The last moment a stop is honoured: after it, the new outputs replace the old ones whole.
    state.control.check(kStage);
    staged.commit();
    facts.manifest_path = manifest_path;
}

}  // namespace

extern const Stage write_outputs_stage{kStage, applies, no_tables, no_columns, write};

}  // namespace furthest::run_detail
