// Stage: zones onto partnership areas. Each zone gets its main area and the share of it; each
// area the roll-up of its zones and partners; every zone-area share goes into zone_areas.
#include "plan/rollup.hpp"
#include "run/run_state.hpp"

#include <cmath>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "rolling up by area";
constexpr const char* kTable = "zone_areas";

std::vector<TableInfo> tables(const RunConfig&) {
    return {{kTable, "every zone-area overlap (zone_id, area_id, share), not only each zone's main area", kStage}};
}

std::vector<std::string> zone_columns(const RunConfig& config) {
    std::vector<std::string> names = {"area_id", "area_name", "area_share", "area_coverage"};
    if (!config.partners.empty()) names.emplace_back("n_partners");
    return names;
}

// People by area through the zone -> area shares (a zone split between areas gives each its
// share of the zone's people): how many live there, their mean need, how many live in the most
// deprived decile and, with [access], in zones of high need and low support.
void add_people_figures(RunState& state, Layer& area_table) {
    const AreaSet& areas = need(state.areas, "areas");
    const ScoringResult& scored = need(state.scores, "scores");
    const Eigen::VectorXd& people = state.people->count;
    const auto& w = areas.zone_to_area.weights();
    const std::size_t n_areas = areas.ids.size();
    Column::Reals population(n_areas, 0.0), weighted_score(n_areas, 0.0), scored_people(n_areas, 0.0), top_decile(n_areas, 0.0),
        high_need_low_support(n_areas, 0.0), supply(n_areas, 0.0);
    const AccessSet* access = state.access ? &*state.access : nullptr;
    const bool has_supply = access != nullptr && access->zone_supply.size() > 0;
    for (Eigen::Index z = 0; z < w.outerSize(); ++z)
        for (Crosswalk::Matrix::InnerIterator it(w, z); it; ++it) {
            const auto a = static_cast<std::size_t>(it.col());
            const double share = it.value();
            const double here = share * people(z);
            population[a] += here;
            if (std::isfinite(scored.score(z))) {
                weighted_score[a] += here * scored.score(z);
                scored_people[a] += here;
            }
            if (scored.decile[static_cast<std::size_t>(z)] == 1) top_decile[a] += here;
            if (access != nullptr && access->high_need_low_support[static_cast<std::size_t>(z)]) high_need_low_support[a] += here;
            if (has_supply) supply[a] += share * access->zone_supply(z);
        }
    for (std::size_t a = 0; a < n_areas; ++a)
        weighted_score[a] = scored_people[a] > 0.0 ? weighted_score[a] / scored_people[a] : std::nan("");
    OutputCatalogue::add_column(area_table, Column::reals("population", population));
    OutputCatalogue::add_column(area_table, Column::reals("score_mean_weighted", std::move(weighted_score)));
    OutputCatalogue::add_column(area_table, Column::reals("people_top_decile", std::move(top_decile)));
    if (access != nullptr)
        OutputCatalogue::add_column(area_table, Column::reals("people_high_need_low_support", std::move(high_need_low_support)));
    if (has_supply) {
        Column::Reals per_1000(n_areas);
        for (std::size_t a = 0; a < n_areas; ++a)
            per_1000[a] = population[a] > 0.0 ? 1000.0 * supply[a] / population[a] : std::nan("");
        OutputCatalogue::add_column(area_table, Column::reals("supply_bfca", std::move(supply)));
        OutputCatalogue::add_column(area_table, Column::reals("access_bfca_per_1000", std::move(per_1000)));
    }
}

void roll_up(RunState& state) {
    const ZoneSet& zones = need(state.zones, "zones");
    const AreaSet& areas = need(state.areas, "areas");
    const ScoringResult& scored = need(state.scores, "scores");
    const PartnerSet* partners = state.partners ? &*state.partners : nullptr;
    const Crosswalk& zone_to_area = areas.zone_to_area;
    const auto main_area = zone_to_area.main_target();
    const Eigen::VectorXd uncovered = zone_to_area.uncovered();
    const auto& w = zone_to_area.weights();
    const std::size_t n = zones.ids.size();

    plan::AreaRollup rollup = plan::roll_up(areas.ids.size(), main_area, scored.score, scored.decile,
                                            partners ? partners->area : std::vector<Eigen::Index>{});

    Layer& zone_table = *zones.layer;
    OutputCatalogue::add_column(zone_table, index_texts("area_id", main_area, areas.ids));
    OutputCatalogue::add_column(zone_table, index_texts("area_name", main_area, areas.names));
    Column::Reals main_share(n, 0.0), coverage(n);
    for (std::size_t z = 0; z < n; ++z) {
        coverage[z] = 1.0 - uncovered(static_cast<Eigen::Index>(z));
        if (main_area[z] >= 0) main_share[z] = w.coeff(static_cast<Eigen::Index>(z), main_area[z]);
    }
    OutputCatalogue::add_column(zone_table, Column::reals("area_share", std::move(main_share)));
    OutputCatalogue::add_column(zone_table, Column::reals("area_coverage", std::move(coverage)));
    if (partners) {
        Column::Integers count(n, 0);
        for (Eigen::Index z : partners->zone)
            if (z >= 0) ++count[static_cast<std::size_t>(z)];
        OutputCatalogue::add_column(zone_table, Column::integers("n_partners", std::move(count)));
    }

    Layer& area_table = *areas.table;
    OutputCatalogue::add_column(area_table, Column::integers("n_zones", rollup.n_zones));
    OutputCatalogue::add_column(area_table, Column::reals("score_mean", rollup.score_mean));
    OutputCatalogue::add_column(area_table, Column::reals("score_median", rollup.score_median));
    OutputCatalogue::add_column(area_table, Column::integers("n_top_decile", rollup.n_top_decile));
    if (partners) OutputCatalogue::add_column(area_table, Column::integers("n_partners", rollup.n_partners));

    if (state.people) add_people_figures(state, area_table);

    Layer& pairs = state.outputs.add(tables(state.config).front());
    Column::Texts pair_zone, pair_area;
    Column::Reals pair_share;
    for (Eigen::Index z = 0; z < w.outerSize(); ++z)
        for (Crosswalk::Matrix::InnerIterator it(w, z); it; ++it) {
            pair_zone.push_back(zones.ids[static_cast<std::size_t>(z)]);
            pair_area.push_back(areas.ids[static_cast<std::size_t>(it.col())]);
            pair_share.push_back(it.value());
        }
    OutputCatalogue::add_column(pairs, Column::texts("zone_id", std::move(pair_zone)));
    OutputCatalogue::add_column(pairs, Column::texts("area_id", std::move(pair_area)));
    OutputCatalogue::add_column(pairs, Column::reals("share", std::move(pair_share)));
    state.rollup = std::move(rollup);
}

}  // namespace

extern const Stage roll_up_stage{kStage, always, tables, zone_columns, roll_up};

}  // namespace furthest::run_detail
