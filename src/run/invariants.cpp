#include "run/invariants.hpp"

#include "core/dates.hpp"
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/gdal_session.hpp"
#include "io/writers.hpp"

#include <algorithm>
#include <cmath>

namespace furthest::run_detail {
namespace {

constexpr const char* kConfigFile = "the config file";

std::string source_of(const RunConfig& config) {
    if (!config.source_name.empty()) return config.source_name;
    return config.config_path.empty() ? std::string("<in-memory config>") : "'" + config.config_path.string() + "'";
}

// The path with symbolic links and '..' resolved as far as it exists; never throws (a path the
// file system cannot resolve, e.g. too long, stays as written and fails later when opened).
std::filesystem::path resolved(const std::filesystem::path& path) {
    std::error_code ec;
    auto out = std::filesystem::weakly_canonical(path, ec);
    return ec ? path.lexically_normal() : out;
}

bool inside(const std::filesystem::path& real, const std::vector<std::filesystem::path>& roots) {
    return std::any_of(roots.begin(), roots.end(), [&](const std::filesystem::path& root) {
        const auto relative = real.lexically_relative(root);
        return !relative.empty() && *relative.begin() != "..";
    });
}

}  // namespace

void refuse_config(const RunConfig& config, const std::string& message) {
    throw ConfigError("config " + source_of(config) + ": " + message);
}

std::vector<InputPath> input_paths(const RunConfig& config) {
    std::vector<InputPath> paths = {{"[zones] path", "zones", config.zones.path}, {"[areas] path", "areas", config.areas.path}};
    for (std::size_t i = 0; i < config.indicators.size(); ++i) {
        const auto& spec = config.indicators[i];
        const std::string section = "[[indicators]] #" + std::to_string(i + 1);
        const std::string role = "indicator '" + spec.name + "'";
        paths.push_back({section + " path", role, spec.path});
        if (spec.via) {
            if (!spec.via->lookup.empty()) paths.push_back({section + ".via lookup", role + " lookup", spec.via->lookup});
            if (!spec.via->weight_path.empty())
                paths.push_back({section + ".via split_weight", role + " split weights", spec.via->weight_path});
            if (!spec.via->raster_weights.empty())
                paths.push_back({section + ".via weights", role + " weights", spec.via->raster_weights});
        }
    }
    for (const auto& partners : config.partners)
        paths.push_back({partners_section(config, partners) + " path",
                         config.partners.size() == 1 ? std::string("partners") : "partners '" + partners.name + "'",
                         partners.path});
    if (config.population) {
        paths.push_back({"[population] path", "population", config.population->count.path});
        if (config.population->count.via && !config.population->count.via->lookup.empty())
            paths.push_back({"[population.via] lookup", "population lookup", config.population->count.via->lookup});
        if (!config.population->centroids.empty())
            paths.push_back({"[population.centroids] path", "population centroids", config.population->centroids});
    }
    if (config.access && config.access->travel_costs)
        paths.push_back({"[access.travel_costs] path", "travel costs", config.access->travel_costs->path});
    if (config.postcodes) paths.push_back({"[postcodes] path", "postcodes", config.postcodes->path});
    if (config.monitoring) paths.push_back({"[monitoring] path", "activity log", config.monitoring->path});
    if (!config.config_path.empty()) paths.push_back({kConfigFile, "config", config.config_path});
    return paths;
}

std::vector<std::filesystem::path> output_paths(const RunConfig& config, const std::vector<std::string>& tables) {
    std::vector<std::filesystem::path> outputs = {config.output.path, config.output.manifest_path()};
    if (config.output.xlsx) outputs.push_back(config.output.xlsx_path());
    if (config.output.csv)
        for (const auto& table : tables) outputs.push_back(config.output.csv_path(table));
    return outputs;
}

std::string monitoring_problem(const RunConfig& config) {
    if (!config.monitoring) return {};
    const MonitoringSpec& spec = *config.monitoring;
    const std::string section = "[monitoring]";
    if (config.partners.empty())
        return section + " counts what partners did: it needs [[partners]] (with an 'id' column the log's partner ids match)";
    if (!config.population) return section + " counts reach per 1,000 residents: it needs [population]";
    for (const auto& partners : config.partners)
        if (partners.id.empty())
            return section + " matches the log's partners by id, and " + partners_section(config, partners) +
                   " has no 'id' column; give it one";
    if (spec.path.empty() || spec.partner.empty() || spec.date.empty() || spec.kind.empty())
        return section + " needs 'path' and the 'partner', 'date' and 'kind' columns";
    if (!spec.postcode.empty() && !config.postcodes)
        return section + " places residents by postcode (postcode = '" + spec.postcode + "'): it needs a [postcodes] directory";
    for (const auto& [key, date] : {std::pair<const char*, const std::string&>{"from", spec.from}, {"to", spec.to}})
        if (date.size() != 10 || !core::day_number(date, core::DateEnd::First))
            return "'" + std::string(key) + "' in " + section + " is '" + date + "'; expected a date written YYYY-MM-DD";
    if (*core::day_number(spec.to, core::DateEnd::First) < *core::day_number(spec.from, core::DateEnd::First))
        return section + " 'to' (" + spec.to + ") is before 'from' (" + spec.from + ")";
    if (!(spec.threshold >= 1.0) || !std::isfinite(spec.threshold))
        return "'threshold' in " + section + " must be a number >= 1 (counts below it are suppressed; 5 in health statistics)";
    static const std::vector<std::string> measures = {"people_helped", "devices_lent", "champions_trained", "sessions",
                                                      "hubs_opened"};
    for (const auto& measure : spec.suppress)
        if (std::find(measures.begin(), measures.end(), measure) == measures.end())
            return "'suppress' in " + section + " names '" + measure + "'" + core::did_you_mean(measure, measures) +
                   "; expected some of " + core::join_names(measures);
    if (spec.draws < 0 || spec.draws > 100000)
        return "'draws' in " + section + " must be a whole number from 0 to 100000 (bootstrap draws)";
    if (!(spec.level > 0.0 && spec.level < 1.0)) return "'level' in " + section + " must lie in (0, 1), e.g. 0.9";
    if (spec.targets) {
        const MonitoringTargets& t = *spec.targets;
        const std::string where = "[monitoring.targets]";
        if (!config.rollout) return where + " measures areas against their rollout wave: it needs [rollout]";
        if (!(t.wave_months >= 1.0 && t.wave_months <= 120.0))
            return "'wave_months' in " + where + " must be a number of months from 1 to 120";
        for (const auto& [key, target] : {std::pair<const char*, double>{"people_helped_per_1000", t.people_helped_per_1000},
                                          {"devices_lent_per_1000", t.devices_lent_per_1000},
                                          {"champions_per_area", t.champions_per_area}})
            if (!std::isnan(target) && !(target >= 0.0 && std::isfinite(target)))
                return "'" + std::string(key) + "' in " + where + " must be a number >= 0";
        if (std::isnan(t.people_helped_per_1000) && std::isnan(t.devices_lent_per_1000) && std::isnan(t.champions_per_area))
            return where +
                   " sets no target; expected one or more of people_helped_per_1000, devices_lent_per_1000, "
                   "champions_per_area";
        if (!(t.on_track > 0.0 && t.on_track <= 1.0))
            return "'on_track' in " + where +
                   " must lie in (0, 1]: an area is behind plan below this share of its target to date";
    }
    const MonitoringFeedback& f = spec.feedback;
    for (const auto& [key, supply] : {std::pair<const char*, double>{"champion_supply", f.champion_supply},
                                      {"hub_supply", f.hub_supply},
                                      {"device_supply", f.device_supply}})
        if (!(supply >= 0.0) || !std::isfinite(supply))
            return "'" + std::string(key) + "' in [monitoring.feedback] must be a number >= 0 ([access] supply units it adds)";
    return {};
}

void check_invariants(const RunConfig& config, const std::vector<std::string>& tables) {
    if (const std::string problem = monitoring_problem(config); !problem.empty()) refuse_config(config, problem);
    if (config.output.path.empty()) refuse_config(config, "[output] path is empty; expected a GeoPackage path ending in .gpkg");
    if (config.output.path.extension() != ".gpkg")
        refuse_config(config,
                      "'path' in [output] is '" + config.output.path.string() + "'; expected a GeoPackage path ending in .gpkg");
    if (config.threads < 0 || config.threads > 1024)
        refuse_config(config, "'threads' in [run] is " + std::to_string(config.threads) +
                                  "; expected a whole number from 0 (all cores) to 1024");

    const auto inputs = input_paths(config);
    // Network paths: refused before anything is opened (the readers refuse them again, for
    // callers that read without a config).
    if (!config.allow_network)
        for (const auto& input : inputs)
            if (io::is_network_path(input.path.string()))
                refuse_config(config, input.key + " '" + input.path.string() +
                                          "' is a network path; network access is off (set allow_network = true under "
                                          "[run] to allow it)");

    // An output written over an input would destroy it on the rename: refuse before reading.
    auto outputs = output_paths(config, tables);
    for (auto& output : outputs) output = resolved(output);
    for (const auto& input : inputs) {
        const auto real = resolved(input.path);
        for (const auto& output : outputs)
            if (output == real)
                refuse_config(config, "output '" + output.string() + "' would overwrite the input named by " + input.key +
                                          "; expected a different [output] path");
    }

    // The version folder of the outputs is furthest's own: older versions in it are removed.
    const auto versions = resolved(io::StagedOutputs::versions_folder(config.output.path));
    for (const auto& input : inputs)
        if (inside(resolved(input.path), {versions}))
            refuse_config(config, input.key + " '" + input.path.string() + "' lies inside '" + versions.string() +
                                      "', where furthest keeps the versions of this output and removes old ones; copy it "
                                      "elsewhere first");

    // A shared batch service confines each run to named folders: no input or output elsewhere,
    // including through '..' or symbolic links.
    if (config.allowed_folders.empty()) return;
    std::vector<std::filesystem::path> roots;
    for (const auto& folder : config.allowed_folders) roots.push_back(resolved(folder));
    std::vector<std::string> names;
    for (const auto& root : roots) names.push_back(root.string());
    auto refuse_outside = [&](const std::string& key, const std::filesystem::path& path) {
        if (!inside(resolved(path), roots))
            refuse_config(config, key + " '" + path.string() + "' lies outside the allowed folders " + core::join_names(names) +
                                      "; expected a path inside one of them");
    };
    for (const auto& input : inputs)
        if (input.key != kConfigFile)
            refuse_outside(input.key, input.path);  // the config names the folders; it may live elsewhere
    for (const auto& output : output_paths(config, tables)) refuse_outside("[output] path", output);
}

}  // namespace furthest::run_detail
