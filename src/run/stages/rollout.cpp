// Stage: the furthest-first plan. Partnership areas into waves by a stated rule (the pilot fixed
// in wave 0); within each area, zones into waves by the gap (or need) with a capacity per wave,
// each placement explained in one line; the plan replayed under every uncertainty draw
// (scenario stability); equity per wave; and optionally a budget shared by the gap.
#include "furthest/rollout.hpp"

#include "core/ranking.hpp"
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "furthest/location.hpp"
#include "run/run_state.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <set>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "planning the rollout";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool applies(const RunConfig& config, const RunOptions&) { return config.rollout.has_value(); }

std::vector<TableInfo> tables(const RunConfig& config) {
    if (!config.rollout) return {};
    std::vector<TableInfo> out = {
        {"rollout",
         "zones in the order to serve them: the area's wave, the zone's wave within its area, the global order and a "
         "one-line reason; with uncertainty draws, how often each zone keeps its wave",
         kStage},
        {"area_waves", "partnership areas in waves by the [rollout] area rule (the pilot in wave 0), with the rule's value",
         kStage},
        {"wave_equity",
         "per area wave, cumulatively: zones, people, and the shares of the high-need people, of people aged 65+ and of "
         "people in the nationally most deprived decile that the waves so far reach",
         kStage}};
    if (config.rollout->hubs)
        out.push_back({"sites",
                       "hub sites: existing hubs (wave 0) and the candidate partners, the new hubs chosen wave by wave "
                       "(maximal covering or p-median of need-weighted people), the people each reaches and serves",
                       kStage});
    if (config.rollout->allocation)
        out.push_back({"allocation",
                       "the [rollout.allocation] budget shared in proportion to gap-weighted people (largest remainder, "
                       "with minimums and caps), with people reached per unit and a reason",
                       kStage});
    return out;
}

using core::fixed;

std::string ordinal(long long n) {
    const long long tens = n % 100;
    const char* suffix = (tens >= 11 && tens <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return std::to_string(n) + suffix;
}

const char* rule_words(AreaRule rule) {
    switch (rule) {
        case AreaRule::HighNeedLowSupport: return "people living in zones of high need and low support";
        case AreaRule::TopDecileShare: return "the share of the area's zones in need decile 1";
        case AreaRule::RobustTopN: return "zones among the area's first N in most uncertainty draws";
    }
    return "";
}

// Inversions between two orders of the same items (merge sort, O(n log n)); `ranks` holds each
// item's position under the second order, listed in the first order.
long long inversions(std::vector<long long>& ranks, std::vector<long long>& scratch, std::size_t lo, std::size_t hi) {
    if (hi - lo < 2) return 0;
    const std::size_t mid = (lo + hi) / 2;
    long long count = inversions(ranks, scratch, lo, mid) + inversions(ranks, scratch, mid, hi);
    std::size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (ranks[i] <= ranks[j]) scratch[k++] = ranks[i++];
        else {
            scratch[k++] = ranks[j++];
            count += static_cast<long long>(mid - i);
        }
    }
    while (i < mid) scratch[k++] = ranks[i++];
    while (j < hi) scratch[k++] = ranks[j++];
    std::copy(scratch.begin() + static_cast<std::ptrdiff_t>(lo), scratch.begin() + static_cast<std::ptrdiff_t>(hi),
              ranks.begin() + static_cast<std::ptrdiff_t>(lo));
    return count;
}

// What every plan of this run shares; each call (the nominal plan, then one per uncertainty
// draw) sets its own priorities and area values.
struct Inputs {
    std::size_t zones = 0, areas = 0;
    std::vector<Eigen::Index> main_area;
    Eigen::VectorXd people;  // per zone (ones without [population])
    std::vector<bool> done;  // per area
    WaveProblem problem;     // ids, areas and done; priority and area_value set per plan
    WaveOptions options;
};

WavePlan make_plan(Inputs& in, const Eigen::VectorXd& priority, std::vector<double> area_value) {
    in.problem.priority = priority;
    in.problem.area_value = std::move(area_value);
    return plan_waves(in.problem, in.options);
}

// Area values for a rule, from per-zone need percentiles (and support percentiles for the gap).
std::vector<double> area_values(const RolloutSpec& spec, const Inputs& in, const Eigen::VectorXd& need_pct,
                                const Eigen::VectorXd& support_pct, const std::vector<std::int64_t>& decile,
                                const Eigen::VectorXd& p_top_n, const Crosswalk& crosswalk) {
    std::vector<double> value(in.areas, 0.0), zones(in.areas, 0.0);
    switch (spec.area_rule) {
        case AreaRule::HighNeedLowSupport: {
            const auto& w = crosswalk.weights();
            for (Eigen::Index z = 0; z < w.outerSize(); ++z) {
                if (!(need_pct(z) > 2.0 / 3.0 && support_pct(z) <= 1.0 / 3.0)) continue;
                for (Crosswalk::Matrix::InnerIterator it(w, z); it; ++it)
                    value[static_cast<std::size_t>(it.col())] += it.value() * in.people(z);
            }
            break;
        }
        case AreaRule::TopDecileShare:
            for (std::size_t z = 0; z < in.zones; ++z) {
                if (in.main_area[z] < 0 || decile[z] == 0) continue;
                const auto a = static_cast<std::size_t>(in.main_area[z]);
                zones[a] += 1.0;
                if (decile[z] == 1) value[a] += 1.0;
            }
            for (std::size_t a = 0; a < in.areas; ++a) value[a] = zones[a] > 0 ? value[a] / zones[a] : kNaN;
            break;
        case AreaRule::RobustTopN:
            for (std::size_t z = 0; z < in.zones; ++z)
                if (in.main_area[z] >= 0 && p_top_n(static_cast<Eigen::Index>(z)) >= spec.robust_share)
                    value[static_cast<std::size_t>(in.main_area[z])] += 1.0;
            break;
    }
    return value;
}

// New hubs among the candidate partners, around the existing ones, wave by wave: demand is
// people weighted by their need percentile, so a hub near many people in high need scores most.
// The hubs serve the plan's areas: only zones in an area carry demand and only candidates inside
// an area may open, while existing hubs anywhere count (a pilot's residents use a library just
// over its boundary).
nlohmann::ordered_json choose_hubs(RunState& state, const HubsSpec& spec, const Eigen::VectorXd& need_pct,
                                   const std::vector<Eigen::Index>& main_area, const TableInfo& info) {
    const PartnerSet& partners = need(state.partners, "partners");
    const ZoneOrigins& origins = zone_origins(state);
    const Column& table_of = partners.table->at("partners_table");
    std::vector<std::size_t> candidate, existing;
    std::size_t outside = 0;
    for (std::size_t p = 0; p < partners.x.size(); ++p) {
        const std::string& name = std::get<Column::Texts>(table_of.values)[p];
        if (std::find(spec.candidates.begin(), spec.candidates.end(), name) != spec.candidates.end()) {
            if (partners.area[p] < 0) ++outside;
            else candidate.push_back(p);
        } else if (std::find(spec.existing.begin(), spec.existing.end(), name) != spec.existing.end()) {
            existing.push_back(p);
        }
    }
    std::vector<std::size_t> sites = existing;  // fixed first, then candidates
    sites.insert(sites.end(), candidate.begin(), candidate.end());
    std::vector<double> sx, sy;
    for (std::size_t p : sites) {
        sx.push_back(partners.x[p]);
        sy.push_back(partners.y[p]);
    }
    const InteractionMatrix m =
        InteractionMatrix::from_points(origins.x, origins.y, sx, sy, spec.radius, state.config.threads, state.control);
    Eigen::VectorXd demand = state.people->count.cwiseProduct(need_pct);
    for (Eigen::Index z = 0; z < demand.size(); ++z)  // unscored zones, and zones in no area, carry no need
        if (!std::isfinite(demand(z)) || main_area[static_cast<std::size_t>(z)] < 0) demand(z) = 0.0;
    LocationOptions options;
    options.waves = spec.waves;
    for (std::size_t i = 0; i < existing.size(); ++i) options.fixed.push_back(static_cast<std::int64_t>(i));
    const std::int64_t wanted = std::accumulate(spec.waves.begin(), spec.waves.end(), std::int64_t{0});
    if (wanted > static_cast<std::int64_t>(candidate.size()))
        throw InputError("rollout: [rollout.hubs] asks for " + std::to_string(wanted) +
                         " new hubs but the candidate tables hold " + count_of(candidate.size(), "partner") +
                         " inside the areas" +
                         (outside ? " (" + std::to_string(outside) + " more outside them)" : std::string()) +
                         "; ask for fewer or add candidates");
    const LocationResult result =
        spec.covering ? maximal_covering(m, demand, options, state.control) : p_median(m, demand, options, state.control);

    Layer& table = state.outputs.add(info);
    Column::Texts id, from, type, status, reason;
    Column::Integers wave;
    std::vector<bool> wave_valid;
    Column::Reals reach, served;
    const Column& type_of = partners.table->at("partner_type");
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const std::size_t p = sites[i];
        const auto w = result.site_wave(static_cast<Eigen::Index>(i));
        id.push_back(partners.id[p].empty() ? "partner " + std::to_string(p + 1) : partners.id[p]);
        from.push_back(std::get<Column::Texts>(table_of.values)[p]);
        type.push_back(std::get<Column::Texts>(type_of.values)[p]);
        status.push_back(w == 0 ? "existing hub" : w > 0 ? "new hub" : "candidate");
        wave.push_back(w < 0 ? 0 : w);
        wave_valid.push_back(w >= 0);
        reach.push_back(result.site_reach(static_cast<Eigen::Index>(i)));
        served.push_back(result.site_served(static_cast<Eigen::Index>(i)));
        table.wkb.push_back(partners.table->wkb[p]);
        reason.push_back(id.back() + " (" + type.back() + "): " + status.back() +
                         (w > 0 ? " in wave " + std::to_string(w) : std::string()) + "; " + fixed(reach.back(), 0) +
                         " need-weighted people within " + fixed(spec.radius, 0) + " m" +
                         (w >= 0 ? ", " + fixed(served.back(), 0) + " served as their nearest hub" : std::string()));
    }
    table.crs_wkt = partners.table->crs_wkt;
    OutputCatalogue::add_column(table, Column::texts("site_id", std::move(id)));
    OutputCatalogue::add_column(table, Column::texts("partners_table", std::move(from)));
    OutputCatalogue::add_column(table, Column::texts("partner_type", std::move(type)));
    OutputCatalogue::add_column(table, Column::texts("status", std::move(status)));
    OutputCatalogue::add_column(table, Column::integers("wave", std::move(wave), std::move(wave_valid)));
    OutputCatalogue::add_column(table, Column::reals("need_weighted_people_within", std::move(reach)));
    OutputCatalogue::add_column(table, Column::reals("need_weighted_people_served", std::move(served)));
    OutputCatalogue::add_column(table, Column::texts("reason", std::move(reason)));
    return {{"objective", spec.covering ? "maximal covering: need-weighted people within reach of a hub"
                                        : "p-median: need-weighted distance to the nearest hub"},
            {"demand", "people times their need percentile among the run's zones, for zones in the plan's areas"},
            {"radius_m", spec.radius},
            {"waves", spec.waves},
            {"existing_hubs", existing.size()},
            {"candidates", candidate.size()},
            {"candidates_outside_areas", outside},
            {"value", result.objective},
            {"greedy_value", result.greedy_objective},
            {"value_after_each_wave", result.wave_objective},
            {"bound", result.bound},
            {"gap_to_bound", result.gap},
            {"swaps", result.iterations}};
}

void plan_rollout(RunState& state) {
    const RunConfig& config = state.config;
    const RolloutSpec& spec = *config.rollout;
    const ZoneSet& zones = need(state.zones, "zones");
    const AreaSet& areas = need(state.areas, "areas");
    const ScoringResult& scored = need(state.scores, "scores");
    const AccessSet* access = state.access ? &*state.access : nullptr;
    const std::size_t n = zones.ids.size();

    Inputs in;
    in.zones = n;
    in.areas = areas.ids.size();
    in.main_area = areas.zone_to_area.main_target();
    in.people = state.people ? state.people->count : Eigen::VectorXd::Ones(static_cast<Eigen::Index>(n));
    in.done.assign(in.areas, false);
    for (const std::string& id : spec.done) {
        const auto it = std::find(areas.ids.begin(), areas.ids.end(), id);
        if (it == areas.ids.end())
            throw InputError("rollout: [rollout] done names area '" + id + "', which the areas do not have (" +
                             count_of(areas.ids.size(), "area") + ", e.g. '" + areas.ids.front() + "')");
        in.done[static_cast<std::size_t>(it - areas.ids.begin())] = true;
    }
    in.problem.zone_ids = zones.ids;
    in.problem.zone_area.assign(in.main_area.begin(), in.main_area.end());
    in.problem.people = in.people;
    in.problem.area_ids = areas.ids;
    in.problem.area_done = in.done;
    in.options.areas_per_wave = spec.areas_per_wave;
    in.options.zone_capacity = spec.zone_capacity;
    in.options.capacity_in_people = spec.zone_capacity_unit == CapacityUnit::People;

    const Eigen::VectorXd need_pct = core::percentiles(scored.score);
    const Eigen::VectorXd support_pct =
        access ? core::percentiles(access->support) : Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
    const bool by_gap = spec.zone_order == ZoneOrder::Gap;
    const Eigen::VectorXd priority = by_gap ? Eigen::VectorXd(need_pct - support_pct) : scored.score;
    const RankUncertainty& u = scored.uncertainty;
    const Eigen::VectorXd p_top_n =
        u.p_top_n_in_area.size() ? u.p_top_n_in_area : Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
    const std::vector<double> value = area_values(spec, in, need_pct, support_pct, scored.decile, p_top_n, areas.zone_to_area);
    const WavePlan plan = make_plan(in, priority, value);

    // Scenario stability: the same plan from each draw's ranks (support as measured).
    const auto& kept = u.kept_ranks;
    const bool replay = kept.cols() > 0 && kept.rows() == static_cast<Eigen::Index>(n);
    std::vector<double> same_wave(n, 0.0), first_wave(n, 0.0);
    std::vector<double> zones_moved, areas_moved, taus;
    if (replay) {
        const auto draws = kept.cols();
        std::vector<long long> ranks, scratch;
        for (Eigen::Index d = 0; d < draws; ++d) {
            state.control.check(kStage);
            if (d % 64 == 0) state.control.report(kStage, static_cast<double>(d) / static_cast<double>(draws));
            Eigen::VectorXd score_d(static_cast<Eigen::Index>(n));
            std::vector<std::int64_t> decile_d(n, 0);
            long long ranked = 0;
            for (std::size_t z = 0; z < n; ++z) ranked += kept(static_cast<Eigen::Index>(z), d) > 0;
            for (std::size_t z = 0; z < n; ++z) {
                const auto r = kept(static_cast<Eigen::Index>(z), d);
                score_d(static_cast<Eigen::Index>(z)) = r > 0 ? -static_cast<double>(r) : kNaN;  // rank 1 = most need
                decile_d[z] = r > 0 ? core::tile(r, ranked, 10) : 0;
            }
            const Eigen::VectorXd need_d = core::percentiles(score_d);
            const Eigen::VectorXd priority_d = by_gap ? Eigen::VectorXd(need_d - support_pct) : score_d;
            const WavePlan p =
                make_plan(in, priority_d, area_values(spec, in, need_d, support_pct, decile_d, p_top_n, areas.zone_to_area));
            double moved = 0, moved_areas = 0;
            for (std::size_t z = 0; z < n; ++z) {
                if (plan.order[z] == 0) continue;
                const auto a = static_cast<std::size_t>(in.main_area[z]);
                const bool same = p.area_wave[a] == plan.area_wave[a] && p.zone_wave[z] == plan.zone_wave[z];
                same_wave[z] += same;
                first_wave[z] += p.zone_wave[z] == 1;
                moved += !same;
            }
            for (std::size_t a = 0; a < in.areas; ++a)
                moved_areas += plan.area_wave[a] >= 0 && p.area_wave[a] != plan.area_wave[a];
            // Kendall's tau between the nominal global order and this draw's (no ties: both are orders).
            ranks.clear();
            std::vector<std::size_t> by_nominal;
            for (std::size_t z = 0; z < n; ++z)
                if (plan.order[z] > 0 && p.order[z] > 0) by_nominal.push_back(z);
            std::sort(by_nominal.begin(), by_nominal.end(),
                      [&](std::size_t x, std::size_t y) { return plan.order[x] < plan.order[y]; });
            for (std::size_t z : by_nominal) ranks.push_back(p.order[z]);
            scratch.resize(ranks.size());
            const double m = static_cast<double>(ranks.size());
            const double discordant = static_cast<double>(inversions(ranks, scratch, 0, ranks.size()));
            taus.push_back(m > 1 ? 1.0 - 4.0 * discordant / (m * (m - 1.0)) : 1.0);
            zones_moved.push_back(moved);
            areas_moved.push_back(moved_areas);
        }
        for (std::size_t z = 0; z < n; ++z) {
            same_wave[z] /= static_cast<double>(draws);
            first_wave[z] /= static_cast<double>(draws);
        }
    } else if (config.scoring.uncertainty.draws > 0) {
        state.reports.warn("rollout_stability_skipped",
                           "rollout: scenario stability needs every draw's ranks, which past 50 million (zones x draws) are "
                           "not kept; the plan is given without it");
    }

    // The rollout table: zones in the plan's order, each with its reason.
    const Column* nearest = zones.layer->find("nearest_partner_m");
    const Column* gap_class = zones.layer->find("gap_class");
    Layer& rollout = state.outputs.add(tables(config)[0]);
    std::vector<std::size_t> rows;
    for (std::size_t z = 0; z < n; ++z) rows.push_back(z);
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t x, std::size_t y) {
        const long long ox = plan.order[x] ? plan.order[x] : std::numeric_limits<long long>::max();
        const long long oy = plan.order[y] ? plan.order[y] : std::numeric_limits<long long>::max();
        return ox < oy;
    });
    Column::Texts zone_id, area_id, reason;
    Column::Integers area_wave, zone_wave, order;
    std::vector<bool> placed_valid;
    Column::Reals p_same, p_first;
    std::vector<std::string> wkb;
    long long scored_zones = 0;
    for (std::size_t z = 0; z < n; ++z) scored_zones += scored.rank[z] > 0;
    // A zone is named as planners know it where the config gives names: "E01011371 (Leeds 090B)".
    const auto zone_label = [&](std::size_t z) {
        const bool named = z < zones.names.size() && !zones.names[z].empty();
        return named ? zones.ids[z] + " (" + zones.names[z] + ")" : zones.ids[z];
    };
    for (std::size_t z : rows) {
        const bool placed = plan.order[z] > 0;
        const Eigen::Index a = in.main_area[z];
        zone_id.push_back(zones.ids[z]);
        area_id.push_back(a >= 0 ? areas.ids[static_cast<std::size_t>(a)] : std::string());
        area_wave.push_back(placed ? plan.area_wave[static_cast<std::size_t>(a)] : 0);
        zone_wave.push_back(placed ? plan.zone_wave[z] : 0);
        order.push_back(plan.order[z]);
        placed_valid.push_back(placed);
        p_same.push_back(replay && placed ? same_wave[z] : kNaN);
        p_first.push_back(replay && placed ? first_wave[z] : kNaN);
        wkb.push_back(zones.layer->wkb[z]);
        if (!placed) {
            reason.push_back(zone_label(z) + ": not placed (" + (a < 0 ? "in no partnership area" : "left unscored") + ")");
            continue;
        }
        std::string line = zone_label(z) + ", area wave " + std::to_string(plan.area_wave[static_cast<std::size_t>(a)]) +
                           ", zone wave " + std::to_string(plan.zone_wave[z]) + " (" + ordinal(plan.place_in_area[z]) + " in " +
                           areas.names[static_cast<std::size_t>(a)] + "): need rank " + std::to_string(scored.rank[z]) + " of " +
                           std::to_string(scored_zones);
        if (u.p05_rank.size() && std::isfinite(u.p05_rank(static_cast<Eigen::Index>(z))))
            line += " (90% interval " + fixed(u.p05_rank(static_cast<Eigen::Index>(z)), 0) + "-" +
                    fixed(u.p95_rank(static_cast<Eigen::Index>(z)), 0) + ")";
        if (nearest && nearest->is_valid(z))
            line += ", nearest partner " + fixed(std::get<Column::Reals>(nearest->values)[z] / 1000.0, 1) + " km";
        if (gap_class && gap_class->is_valid(z)) line += ", " + std::get<Column::Texts>(gap_class->values)[z];
        if (replay) line += "; keeps its wave in " + fixed(100.0 * same_wave[z], 0) + "% of draws";
        reason.push_back(std::move(line));
    }
    OutputCatalogue::add_column(rollout, Column::texts("zone_id", std::move(zone_id)));
    OutputCatalogue::add_column(rollout, Column::texts("area_id", std::move(area_id)));
    OutputCatalogue::add_column(rollout, Column::integers("area_wave", std::move(area_wave), placed_valid));
    OutputCatalogue::add_column(rollout, Column::integers("zone_wave", std::move(zone_wave), placed_valid));
    OutputCatalogue::add_column(rollout, Column::integers("order", std::move(order), placed_valid));
    OutputCatalogue::add_column(rollout, Column::texts("reason", std::move(reason)));
    if (replay) {
        OutputCatalogue::add_column(rollout, Column::reals("p_same_wave", std::move(p_same)));
        OutputCatalogue::add_column(rollout, Column::reals("p_zone_wave_1", std::move(p_first)));
    }
    rollout.wkb = std::move(wkb);
    rollout.crs_wkt = zones.layer->crs_wkt;

    // Area waves, in wave order.
    Layer& area_table = state.outputs.add(tables(config)[1]);
    std::vector<std::size_t> area_rows(in.areas);
    std::iota(area_rows.begin(), area_rows.end(), 0);
    std::stable_sort(area_rows.begin(), area_rows.end(), [&](std::size_t x, std::size_t y) {
        const int wx = plan.area_wave[x] < 0 ? std::numeric_limits<int>::max() : plan.area_wave[x];
        const int wy = plan.area_wave[y] < 0 ? std::numeric_limits<int>::max() : plan.area_wave[y];
        if (wx != wy) return wx < wy;
        return value[x] > value[y];
    });
    Column::Texts a_id, a_name, a_reason;
    Column::Integers a_wave, a_zones;
    std::vector<bool> a_valid;
    Column::Reals a_value, a_moved;
    std::vector<std::string> a_wkb;
    std::vector<long long> zones_in(in.areas, 0);
    for (std::size_t z = 0; z < n; ++z)
        if (plan.order[z] > 0) ++zones_in[static_cast<std::size_t>(in.main_area[z])];
    for (std::size_t a : area_rows) {
        a_id.push_back(areas.ids[a]);
        a_name.push_back(areas.names[a]);
        a_wave.push_back(plan.area_wave[a] < 0 ? 0 : plan.area_wave[a]);
        a_valid.push_back(plan.area_wave[a] >= 0);
        a_value.push_back(value[a]);
        a_zones.push_back(zones_in[a]);
        if (areas.table->has_geometry()) a_wkb.push_back(areas.table->wkb[a]);
        std::string line = areas.names[a] + ": ";
        if (plan.area_wave[a] < 0) line += "no scored zone; not in the plan";
        else if (in.done[a]) line += "wave 0 (already rolled out)";
        else
            line += "wave " + std::to_string(plan.area_wave[a]) + ", " + rule_words(spec.area_rule) + " = " +
                    (spec.area_rule == AreaRule::TopDecileShare ? fixed(100.0 * value[a], 1) + "%" : fixed(value[a], 0));
        a_reason.push_back(std::move(line));
    }
    OutputCatalogue::add_column(area_table, Column::texts("area_id", std::move(a_id)));
    OutputCatalogue::add_column(area_table, Column::texts("area_name", std::move(a_name)));
    OutputCatalogue::add_column(area_table, Column::integers("area_wave", std::move(a_wave), std::move(a_valid)));
    OutputCatalogue::add_column(area_table, Column::reals("rule_value", std::move(a_value)));
    OutputCatalogue::add_column(area_table, Column::integers("zones", std::move(a_zones)));
    OutputCatalogue::add_column(area_table, Column::texts("reason", std::move(a_reason)));
    if (a_wkb.size() == in.areas) {
        area_table.wkb = std::move(a_wkb);
        area_table.crs_wkt = areas.table->crs_wkt;
    }

    // Equity per area wave, cumulatively. High need: the top third of need among the run's zones.
    Eigen::VectorXd older = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(n), kNaN);
    if (!spec.older_column.empty()) {
        IndicatorSpec older_spec = config.population->count;
        older_spec.column = spec.older_column;
        older_spec.name = "people aged 65+";
        older = join_indicator(older_spec, zones, state.tables, config, state.working_crs, state.facts, state.reports);
        state.facts.indicator_notes.pop_back();
    }
    const Eigen::MatrixXd* indicators = state.indicators ? &*state.indicators : nullptr;
    Eigen::VectorXd national = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(n), kNaN);
    if (!spec.national_decile.empty() && indicators)
        for (std::size_t j = 0; j < config.indicators.size(); ++j)
            if (config.indicators[j].name == spec.national_decile) national = indicators->col(static_cast<Eigen::Index>(j));
    int last_wave = 0;
    for (std::size_t a = 0; a < in.areas; ++a) last_wave = std::max(last_wave, plan.area_wave[a]);
    double total_people = 0, total_high = 0, total_older = 0, total_deprived = 0;
    for (std::size_t z = 0; z < n; ++z) {
        const double p = in.people(static_cast<Eigen::Index>(z));
        total_people += p;
        if (need_pct(static_cast<Eigen::Index>(z)) > 2.0 / 3.0) total_high += p;
        if (std::isfinite(older(static_cast<Eigen::Index>(z)))) total_older += older(static_cast<Eigen::Index>(z));
        if (national(static_cast<Eigen::Index>(z)) == 1.0) total_deprived += p;
    }
    Layer& equity = state.outputs.add(tables(config)[2]);
    Column::Integers e_wave, e_areas, e_zones;
    Column::Reals e_people, e_high, e_older, e_deprived;
    double c_people = 0, c_high = 0, c_older = 0, c_deprived = 0;
    long long c_areas = 0, c_zones = 0;
    auto share = [](double part, double whole) { return whole > 0 ? part / whole : kNaN; };
    for (int wave = 0; wave <= last_wave; ++wave) {
        long long wave_areas = 0;
        for (std::size_t a = 0; a < in.areas; ++a) wave_areas += plan.area_wave[a] == wave;
        if (wave_areas == 0) continue;
        c_areas += wave_areas;
        for (std::size_t z = 0; z < n; ++z) {
            if (plan.order[z] == 0 || plan.area_wave[static_cast<std::size_t>(in.main_area[z])] != wave) continue;
            const double p = in.people(static_cast<Eigen::Index>(z));
            ++c_zones;
            c_people += p;
            if (need_pct(static_cast<Eigen::Index>(z)) > 2.0 / 3.0) c_high += p;
            if (std::isfinite(older(static_cast<Eigen::Index>(z)))) c_older += older(static_cast<Eigen::Index>(z));
            if (national(static_cast<Eigen::Index>(z)) == 1.0) c_deprived += p;
        }
        e_wave.push_back(wave);
        e_areas.push_back(c_areas);
        e_zones.push_back(c_zones);
        e_people.push_back(c_people);
        e_high.push_back(share(c_high, total_high));
        e_older.push_back(share(c_older, total_older));
        e_deprived.push_back(share(c_deprived, total_deprived));
    }
    OutputCatalogue::add_column(equity, Column::integers("area_wave", std::move(e_wave)));
    OutputCatalogue::add_column(equity, Column::integers("areas_so_far", std::move(e_areas)));
    OutputCatalogue::add_column(equity, Column::integers("zones_so_far", std::move(e_zones)));
    OutputCatalogue::add_column(equity, Column::reals("people_so_far", std::move(e_people)));
    OutputCatalogue::add_column(equity, Column::reals("share_high_need_people", std::move(e_high)));
    OutputCatalogue::add_column(equity, Column::reals("share_people_65_plus", std::move(e_older)));
    OutputCatalogue::add_column(equity, Column::reals("share_national_decile_1_people", std::move(e_deprived)));

    nlohmann::ordered_json section = {
        {"area_rule", rule_words(spec.area_rule)},
        {"areas_per_wave", spec.areas_per_wave},
        {"done", spec.done},
        {"zone_order", by_gap ? "the need-support gap, highest first" : "the need score, highest first"},
        {"zone_capacity", spec.zone_capacity},
        {"zone_capacity_unit", in.options.capacity_in_people ? "people" : "zones"},
        {"high_need", "the top third of need among the run's zones"}};
    if (replay) {
        auto mean = [](const std::vector<double>& v) {
            return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
        };
        std::vector<double> sorted = taus;
        std::sort(sorted.begin(), sorted.end());
        long long robust = 0;
        for (std::size_t z = 0; z < n; ++z) robust += plan.order[z] > 0 && first_wave[z] >= spec.robust_share;
        section["stability"] = {
            {"draws", kept.cols()},
            {"mean_zones_changing_wave", mean(zones_moved)},
            {"mean_areas_changing_wave", mean(areas_moved)},
            {"kendall_tau_mean", mean(taus)},
            {"kendall_tau_p05", sorted[static_cast<std::size_t>(0.05 * static_cast<double>(sorted.size() - 1))]},
            {"zones_in_zone_wave_1_in_robust_share_of_draws", robust},
            {"robust_share", spec.robust_share}};
    }

    // New hubs (the sites table comes before the allocation in the catalogue).
    if (spec.hubs) section["hubs"] = choose_hubs(state, *spec.hubs, need_pct, in.main_area, tables(config)[3]);

    // The budget, shared by gap-weighted people (people times how far need outruns support).
    if (spec.allocation) {
        const AllocationSpec& share_spec = *spec.allocation;
        std::vector<std::string> ids, names;
        std::vector<double> weight, people;
        const Eigen::VectorXd gap_people = in.people.cwiseProduct(access->gap_score.cwiseMax(0.0));
        switch (share_spec.to) {
            case AllocationSpec::To::Zones:
                for (std::size_t z = 0; z < n; ++z) {
                    if (in.main_area[z] < 0) continue;  // outside the plan's areas: context only
                    ids.push_back(zones.ids[z]);
                    names.push_back(zones.ids[z]);
                    weight.push_back(
                        std::isfinite(gap_people(static_cast<Eigen::Index>(z))) ? gap_people(static_cast<Eigen::Index>(z)) : 0.0);
                    people.push_back(in.people(static_cast<Eigen::Index>(z)));
                }
                break;
            case AllocationSpec::To::Areas: {
                weight.assign(in.areas, 0.0);
                people.assign(in.areas, 0.0);
                const auto& w = areas.zone_to_area.weights();
                for (Eigen::Index z = 0; z < w.outerSize(); ++z)
                    for (Crosswalk::Matrix::InnerIterator it(w, z); it; ++it) {
                        if (std::isfinite(gap_people(z)))
                            weight[static_cast<std::size_t>(it.col())] += it.value() * gap_people(z);
                        people[static_cast<std::size_t>(it.col())] += it.value() * in.people(z);
                    }
                ids = areas.ids;
                names = areas.names;
                break;
            }
            case AllocationSpec::To::Partners: {
                const PartnerSet& partners = need(state.partners, "partners");
                const Column& served = partners.table->at("people_served_bfca");
                for (std::size_t p = 0; p < partners.x.size(); ++p) {
                    ids.push_back(partners.id[p].empty() ? "partner " + std::to_string(p + 1) : partners.id[p]);
                    names.push_back(ids.back());
                    weight.push_back(access->partner_gap_people(static_cast<Eigen::Index>(p)));
                    people.push_back(std::get<Column::Reals>(served.values)[p]);
                }
                break;
            }
        }
        BudgetOptions budget;
        budget.budget = share_spec.budget;
        budget.minimum = share_spec.minimum;
        budget.cap = share_spec.cap;
        budget.unit = share_spec.unit;
        const BudgetShare shared = share_budget(weight, budget);
        const std::vector<std::int64_t>& units = shared.units;
        const std::int64_t unplaced = shared.unplaced;
        const double total_weight = std::accumulate(weight.begin(), weight.end(), 0.0);
        std::vector<std::size_t> order_rows(ids.size());
        std::iota(order_rows.begin(), order_rows.end(), 0);
        std::stable_sort(order_rows.begin(), order_rows.end(), [&](std::size_t x, std::size_t y) { return units[x] > units[y]; });
        Layer& allocation = state.outputs.add(tables(config).back());
        Column::Texts r_id, r_reason;
        Column::Integers r_units;
        Column::Reals r_weight, r_share, r_people, r_per_unit;
        for (std::size_t i : order_rows) {
            if (units[i] == 0 && weight[i] <= 0.0) continue;
            r_id.push_back(ids[i]);
            r_units.push_back(units[i]);
            r_weight.push_back(weight[i]);
            r_share.push_back(weight[i] / total_weight);
            r_people.push_back(people[i]);
            r_per_unit.push_back(units[i] > 0 ? people[i] / static_cast<double>(units[i]) : kNaN);
            r_reason.push_back(
                names[i] + ": " + std::to_string(units[i]) + " " + share_spec.unit + ", for " +
                fixed(100.0 * weight[i] / total_weight, 1) + "% of the gap-weighted people (" + fixed(people[i], 0) + " people" +
                (units[i] > 0 ? ", " + fixed(people[i] / static_cast<double>(units[i]), 0) + " per unit" : std::string()) + ")" +
                (share_spec.cap > 0 && units[i] == share_spec.cap ? "; at the cap" : "") +
                (units[i] == share_spec.minimum && share_spec.minimum > 0 ? "; at the minimum" : ""));
        }
        OutputCatalogue::add_column(allocation, Column::texts("recipient_id", std::move(r_id)));
        OutputCatalogue::add_column(allocation, Column::integers("units", std::move(r_units)));
        OutputCatalogue::add_column(allocation, Column::reals("gap_weighted_people", std::move(r_weight)));
        OutputCatalogue::add_column(allocation, Column::reals("share_of_gap", std::move(r_share)));
        OutputCatalogue::add_column(allocation, Column::reals("people", std::move(r_people)));
        OutputCatalogue::add_column(allocation, Column::reals("people_per_unit", std::move(r_per_unit)));
        OutputCatalogue::add_column(allocation, Column::texts("reason", std::move(r_reason)));
        if (unplaced > 0)
            state.reports.warn("allocation_capped", "allocation: every recipient is at its cap; " + std::to_string(unplaced) +
                                                        " of " + std::to_string(share_spec.budget) + " " + share_spec.unit +
                                                        " are left unallocated");
        section["allocation"] = {{"budget", share_spec.budget},
                                 {"unit", share_spec.unit},
                                 {"allocated", share_spec.budget - unplaced},
                                 {"weights", "people times the need-support gap where positive (need above support)"},
                                 {"rounding", "largest remainder, ties by order"},
                                 {"minimum", share_spec.minimum},
                                 {"cap", share_spec.cap}};
    }
    state.facts.sections.emplace_back("rollout", section.dump());
    // Kept for monitoring: the plan, and the same rule re-run on support as it is now (areas the
    // programme has started join the pilot in wave 0; uncertainty draws are not replayed).
    RolloutSet kept_plan;
    kept_plan.plan = plan;
    kept_plan.main_area = in.main_area;
    kept_plan.area_value = value;
    // Only monitoring asks; the spec, scores and crosswalk live as long as the run's state.
    if (config.monitoring)
        kept_plan.replan = [in, rollout = &spec, need_pct, by_gap, scores = &scored, p_top_n, crosswalk = &areas.zone_to_area](
                               const Eigen::VectorXd& support, const std::vector<bool>& started,
                               std::vector<double>& area_value) mutable {
            const Eigen::VectorXd support_now = core::percentiles(support);
            for (std::size_t a = 0; a < started.size() && a < in.problem.area_done.size(); ++a)
                if (started[a]) in.problem.area_done[a] = true;
            area_value = area_values(*rollout, in, need_pct, support_now, scores->decile, p_top_n, *crosswalk);
            return make_plan(in, by_gap ? Eigen::VectorXd(need_pct - support_now) : scores->score, area_value);
        };
    state.rollout = std::move(kept_plan);
    state.facts.method.push_back(
        "The rollout orders partnership areas into waves of " + std::to_string(spec.areas_per_wave) + " by " +
        rule_words(spec.area_rule) + (spec.done.empty() ? "" : " (areas already done in wave 0)") +
        "; within each area zones are served " + (by_gap ? "by the need-support gap" : "by need") + ", highest first, " +
        fixed(spec.zone_capacity, 0) + (in.options.capacity_in_people ? " people" : " zones") + " a wave" +
        (replay ? "; the same plan from each uncertainty draw shows how stable each placement is" : "") + ".");
}

}  // namespace

extern const Stage rollout_stage{kStage, applies, tables, no_columns, plan_rollout};

}  // namespace furthest::run_detail
