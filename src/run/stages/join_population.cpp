// Stage: people per zone ([population]), joined like an indicator (by key or through a lookup
// or points) and summed, never averaged. Blank or negative counts stop the run.
#include "furthest/errors.hpp"
#include "run/run_state.hpp"

#include <cmath>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "joining population";

bool applies(const RunConfig& config, const RunOptions&) { return config.population.has_value(); }

std::vector<std::string> zone_columns(const RunConfig&) { return {"population"}; }

void join(RunState& state) {
    const RunConfig& config = state.config;
    const ZoneSet& zones = need(state.zones, "zones");
    const IndicatorSpec& spec = config.population->count;
    Eigen::VectorXd people = join_indicator(spec, zones, state.tables, config, state.working_crs, state.facts, state.reports);
    // join_indicator notes an indicator (direction, weight); people are not one.
    state.facts.indicator_notes.pop_back();
    std::vector<std::string> negative;
    for (Eigen::Index z = 0; z < people.size(); ++z)
        if (people(z) < 0.0) negative.push_back(zones.ids[static_cast<std::size_t>(z)]);
    if (!negative.empty())
        throw InputError("population: '" + spec.path.string() + "' column '" + spec.column + "' gives " +
                         count_of(negative.size(), "zone") + " a negative count: " + list_some(negative) +
                         "; expected people >= 0");
    OutputCatalogue::add_column(*zones.layer,
                                Column::reals("population", Column::Reals(people.data(), people.data() + people.size())));
    state.facts.counts.emplace_back("people", std::llround(people.sum()));
    state.facts.method.push_back("People per zone are column '" + spec.column + "' of '" + spec.path.filename().string() + "' (" +
                                 std::to_string(std::llround(people.sum())) +
                                 " in all); they are the demand for access and weight the area figures.");
    state.people = PeopleSet{std::move(people)};
}

}  // namespace

extern const Stage join_population_stage{kStage, applies, no_tables, zone_columns, join};

}  // namespace furthest::run_detail
