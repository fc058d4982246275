// The run manifest: what went in (with checksums), how, what came out, and how long it took.
#pragma once

#include "furthest/config.hpp"
#include "furthest/run.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace furthest::run_detail {

struct InputRecord {
    std::string role;
    std::filesystem::path path;
};

struct ManifestFacts {
    const RunConfig* config = nullptr;
    std::vector<InputRecord> inputs;
    std::string working_crs_wkt;
    std::vector<std::pair<std::string, long long>> counts;
    std::vector<std::pair<std::string, double>> timings;  ///< seconds per stage
    std::vector<RunWarning> warnings;
    std::vector<TableInfo> tables;  ///< the output catalogue
    std::vector<std::string> indicator_notes;  ///< per indicator: rows matched, unmatched, imputed
    std::vector<std::string> coverage_shortfalls;  ///< zones whose area shares do not sum to one
    std::filesystem::path output_path;
    std::vector<std::filesystem::path> table_paths;  ///< spreadsheet copies ([output] tables)
    /// Outputs written before the manifest: (final path, temporary file now holding it).
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> written;
    std::vector<std::string> method;  ///< plain words a report can quote, one sentence or more per stage
    std::string scoring_json;  ///< the scoring method in detail (weights, PCA, correlation, reports)
    std::vector<std::string> stages;  ///< the stages run, in order
    /// Sections a stage adds to the manifest (name, JSON text), e.g. "hotspots" with its inference.
    std::vector<std::pair<std::string, std::string>> sections;
    std::string manifest;  ///< the manifest's JSON text, once written
    std::filesystem::path manifest_path;  ///< where it went, once committed
};

/// The config the run actually used (after --output and other overrides), as JSON text: the
/// manifest records it beside the config as given. The scoring method is in the manifest's
/// "scoring" section.
std::string effective_config_json(const RunConfig& config);

/// JSON text of the manifest (inputs checksummed here).
std::string manifest_json(const ManifestFacts& facts);

}  // namespace furthest::run_detail
