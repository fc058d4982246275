// Stage: the need index. The joined indicator matrix goes through the scoring engine (the
// [scoring] method, Monte Carlo rank intervals included) and its columns join the zones table.
#include "furthest/columns.hpp"
#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"
#include "run/run_state.hpp"

#include <cmath>
#include <cstdio>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "scoring";

// The indicator matrix in the order the scoring spec names its indicators.
ScoringInput scoring_input(const RunConfig& config, const Eigen::MatrixXd& indicators, const ZoneSet& zones,
                           const AreaSet& areas) {
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
                input.standard_errors.col(static_cast<Eigen::Index>(i)) =
                    indicators.col(column_of(spec.indicators[i].standard_error_column));
    }
    const auto main_area = areas.zone_to_area.main_target();
    input.area.assign(main_area.begin(), main_area.end());
    input.area_names = areas.names;
    input.zone_ids = zones.ids;
    return input;
}

// [run] threads is the budget of every stage: the Monte Carlo never takes more.
ScoringSpec within_thread_budget(ScoringSpec spec, int run_threads) {
    int& threads = spec.uncertainty.threads;
    if (run_threads > 0 && (threads == 0 || threads > run_threads)) threads = run_threads;
    return spec;
}

// Imputations, flags and drops, each listed with its zones (never silent).
void report_blanks(const ScoringResult& scored, const ZoneSet& zones, Reports& reports) {
    for (const auto& warning : scored.warnings) reports.warn("scoring_note", "scoring: " + warning);
    for (const auto& report : scored.imputed) {
        if (report.zones.empty() || report.method == "dropped") continue;  // drops are listed below
        std::vector<std::string> listed, ids;
        for (std::size_t i = 0; i < report.zones.size(); ++i) {
            const std::string& id = zones.ids[static_cast<std::size_t>(report.zones[i])];
            std::string item = id;
            if (i < report.values.size()) {
                char value[32];
                std::snprintf(value, sizeof value, "%.6g", report.values[i]);
                item += " = " + std::string(value);
            }
            listed.push_back(std::move(item));
            ids.push_back(id);
        }
        const bool flagged = report.values.empty();
        reports.warn(flagged ? "values_flagged" : "values_imputed",
                     "scoring: indicator '" + report.indicator + "': " + count_of(report.zones.size(), "blank value") +
                         (flagged ? " left blank (missing = \"flag\"; those zones are scored on the indicators they have): "
                                  : " imputed with the " + report.method + ": ") +
                         list_some(listed),
                     std::move(ids));
    }
    if (!scored.dropped_zones.empty()) {
        std::vector<std::string> dropped;
        for (auto z : scored.dropped_zones) dropped.push_back(zones.ids[static_cast<std::size_t>(z)]);
        reports.warn("zones_unscored",
                     "scoring: " + count_of(dropped.size(), "zone") +
                         " left unscored (missing = \"drop\"), kept with blank score and rank: " + list_some(dropped),
                     dropped);
    }
}

// The fixed names the scoring may add to the zones table (for the clash check at the door).
std::vector<std::string> zone_columns(const RunConfig& config) {
    std::vector<std::string> names;
    for (const auto& column : columns::scoring_columns())
        if (column.name != columns::contribution_prefix) names.emplace_back(column.name);
    for (const auto& indicator : config.scoring.indicators)
        names.push_back(std::string(columns::contribution_prefix) + indicator.name);
    return names;
}

void score(RunState& state) {
    const ZoneSet& zones = need(state.zones, "zones");
    const AreaSet& areas = need(state.areas, "areas");
    const Eigen::MatrixXd& indicators = need(state.indicators, "indicators");
    ScoringSpec spec = within_thread_budget(state.config.scoring, state.config.threads);
    // The rollout replays its plan under every draw (scenario stability): it needs their ranks.
    // (Past 50 million ranks the stability is left out, and the rollout says so.)
    if (state.config.rollout && static_cast<double>(indicators.rows()) * static_cast<double>(spec.uncertainty.draws) <= 5e7)
        spec.uncertainty.keep_draws = true;
    ScoringResult scored = score_zones(scoring_input(state.config, indicators, zones, areas), spec, state.control);
    report_blanks(scored, zones, state.reports);
    for (auto& column : score_columns(scored)) OutputCatalogue::add_column(*zones.layer, std::move(column));
    state.facts.counts.emplace_back(
        "zones_scored", static_cast<long long>(zones.ids.size()) - static_cast<long long>(scored.dropped_zones.size()));
    state.facts.method.push_back(scored.method_summary);
    state.facts.scoring_json = scoring_method_json(scored);
    state.scores = std::move(scored);
}

}  // namespace

extern const Stage score_stage{kStage, always, no_tables, zone_columns, score};

}  // namespace furthest::run_detail
