// Stage: every [[indicators]] entry onto the zones (by key, through a lookup, points or a
// raster), as one zones x indicators matrix; blanks stay blank for the scoring's policy.
#include "run/run_state.hpp"

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "joining indicators";

void join(RunState& state) {
    const RunConfig& config = state.config;
    const ZoneSet& zones = need(state.zones, "zones");
    const auto n_indicators = static_cast<Eigen::Index>(config.indicators.size());
    Eigen::MatrixXd indicators(static_cast<Eigen::Index>(zones.ids.size()), n_indicators);
    for (Eigen::Index j = 0; j < n_indicators; ++j) {
        const IndicatorSpec& spec = config.indicators[static_cast<std::size_t>(j)];
        state.control.check(kStage);
        state.control.report(kStage, static_cast<double>(j) / static_cast<double>(n_indicators));
        indicators.col(j) = join_indicator(spec, zones, state.tables, config, state.working_crs, state.facts, state.reports);
    }
    // The zones table shows the inputs as read (blanks blank), in the config's order.
    for (Eigen::Index j = 0; j < n_indicators; ++j) {
        const Eigen::VectorXd column = indicators.col(j);
        OutputCatalogue::add_column(*zones.layer, Column::reals(config.indicators[static_cast<std::size_t>(j)].name,
                                                                Column::Reals(column.data(), column.data() + column.size())));
    }
    state.facts.counts.emplace_back("indicators", static_cast<long long>(n_indicators));
    state.facts.method.push_back(
        "Each indicator was brought onto the zones by key, or through a lookup or points as its note says.");
    state.indicators = std::move(indicators);
}

}  // namespace

extern const Stage join_indicators_stage{kStage, always, no_tables, no_columns, join};

}  // namespace furthest::run_detail
