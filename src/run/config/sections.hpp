// One parser per config section. Each reads its own section of the TOML root into the
// RunConfig; config.cpp calls them in order (later sections may check earlier ones).
#pragma once

#include "run/config/reader.hpp"

namespace furthest::run_detail {

void parse_run_section(const Reader& reader, const toml::table& root, RunConfig& config);
void parse_zones_section(const Reader& reader, const toml::table& root, RunConfig& config);
void parse_areas_section(const Reader& reader, const toml::table& root, RunConfig& config);
void parse_indicators_section(const Reader& reader, const toml::table& root, RunConfig& config);  ///< with their `via`
/// An indicator's `via` table (lookup, points or raster); `section` names it in messages.
ViaSpec parse_via(const Reader& reader, const toml::table& table, const std::string& section);
/// [[partners]] (or one [partners] table).
void parse_partners_section(const Reader& reader, const toml::table& root, RunConfig& config);
/// [population], with optional [population.centroids].
void parse_population_section(const Reader& reader, const toml::table& root, RunConfig& config);
/// [access] (needs [[partners]]) and [hotspots].
void parse_access_section(const Reader& reader, const toml::table& root, RunConfig& config);
void parse_hotspots_section(const Reader& reader, const toml::table& root, RunConfig& config);
/// [rollout] with [rollout.allocation] (after [scoring]: some rules need the uncertainty draws).
void parse_rollout_section(const Reader& reader, const toml::table& root, RunConfig& config);
/// [monitoring] with [monitoring.targets] and [monitoring.feedback] (after [rollout] and [postcodes]).
void parse_monitoring_section(const Reader& reader, const toml::table& root, RunConfig& config);
/// A list of strings (`key = ["a", "b"]`, or one string); empty when absent.
std::vector<std::string> text_list(const Reader& reader, const toml::table& table, const std::string& section,
                                   const std::string& key, const std::string& expected);
/// [postcodes], and the check that every table placed by postcode has a directory to look in.
void parse_postcodes_section(const Reader& reader, const toml::table& root, RunConfig& config);
/// [scoring], or the run's [[indicators]] as the method when it has none.
void parse_scoring_section(const Reader& reader, const toml::table& root, RunConfig& config);
/// [report]: the title and attribution lines a report or map of the run carries.
void parse_report_section(const Reader& reader, const toml::table& root, RunConfig& config);
void parse_output_section(const Reader& reader, const toml::table& root, RunConfig& config);

/// The whole config from a parsed TOML table (a file's, or one converted from JSON).
RunConfig config_from_table(const toml::table& root, const std::filesystem::path& base_dir, const std::string& source_name);

}  // namespace furthest::run_detail
