/// @brief One run: an ordered list of stages (read zones, build areas, join indicators, score,
/// locate partners, roll up, write) whose tables make one output catalogue.
#pragma once

#include "furthest/config.hpp"
#include "furthest/control.hpp"
#include "furthest/table.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace furthest {

struct RunOptions {
    bool write = true;  ///< false: check and compute everything, write nothing (validate)
    /// Stop token and progress callback: every stage reports its start, long loops a fraction;
    /// a stop request ends the run with Stopped before anything is written.
    Control control;
};

/// Something a run noticed and went on with, as a record a report can group.
struct RunWarning {
    std::string stage;              ///< the stage that noticed it ("building areas" ...)
    std::string code;               ///< stable, machine-readable ("geometry_repaired", "zones_without_area" ...)
    std::string message;            ///< one readable sentence, as the CLI prints it
    std::vector<std::string> ids;   ///< the zones, areas or rows concerned (may be empty)
};

/// One table of the output catalogue: its name (GeoPackage layer, CSV file suffix, XLSX sheet,
/// Python key) and what it holds.
struct TableInfo {
    std::string name;
    std::string about;
    std::string stage;  ///< the stage that makes it
};

struct RunResult {
    /// The output catalogue, in order: every table the stages made (zones, areas, partners,
    /// zone_areas ... as the config asks for them).
    std::vector<Layer> tables;
    std::vector<TableInfo> catalogue;  ///< one entry per table, same order
    std::string manifest_json;
    std::vector<RunWarning> warnings;
    std::filesystem::path output_path;    ///< the GeoPackage (empty when not written)
    std::filesystem::path manifest_path;  ///< the manifest (empty when not written)
    std::vector<std::filesystem::path> table_paths;  ///< CSV / XLSX copies ([output] tables), when written

    /// The table called `name`, or nullptr.
    const Layer* find(std::string_view name) const;
    /// The table called `name`; std::out_of_range naming the tables there are otherwise.
    const Layer& table(std::string_view name) const;
};

/// Run a config: checks its invariants (outputs spare inputs, allowed folders, network), then
/// each stage in order. Throws a furthest::Error subclass; Stopped when options.control asks.
RunResult run(const RunConfig& config, const RunOptions& options = {});
RunResult run(const std::filesystem::path& config_path, const RunOptions& options = {});

/// Check every input (files, columns, keys, values, CRS) and the whole computation; write nothing.
RunResult validate(const RunConfig& config, const Control& control = {});

/// The tables a run of `config` would write, in order, without reading anything.
std::vector<TableInfo> output_tables(const RunConfig& config);

/// The names of the stages a run of `config` goes through, in order.
std::vector<std::string> run_stages(const RunConfig& config);

/// ConfigError unless the effective config holds the run's invariants: the output is a
/// GeoPackage, no output overwrites an input (through symbolic links or '..' too), inputs and
/// outputs lie inside [run] allowed_folders when set, no network path unless allow_network.
/// run() and validate() call it; it is public for callers that build configs themselves.
void check_config(const RunConfig& config);

}  // namespace furthest
