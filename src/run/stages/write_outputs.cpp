// Stage: the output catalogue to disk, committed as a set (io::StagedOutputs): every file goes
// into a fresh version folder and one pointer is switched, so a failed, killed or stopped run
// leaves last month's layers and tables as they were, and a reader never sees a mix of two runs.
// The manifest records each output's SHA-256.
#include "furthest/errors.hpp"
#include "io/writers.hpp"
#include "run/run_state.hpp"

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

void write(RunState& state) {
    const OutputSpec& output = state.config.output;
    ManifestFacts& facts = state.facts;
    const auto start = std::chrono::steady_clock::now();
    std::vector<const Layer*> layers;
    for (const auto& [info, layer] : state.outputs.tables()) layers.push_back(&layer);

    io::StagedOutputs staged;
    const auto gpkg_tmp = staged.stage(output.path);
    write_as(gpkg_tmp, output.path, [&] { io::write_geopackage(gpkg_tmp, layers); });
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
        write_as(temporary, output.xlsx_path(), [&] { io::write_xlsx(temporary, layers); });
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
