// Stage: access to partners per zone, from one sparse zones x partners interaction matrix
// (straight-line distance, or the user's travel costs): the nearest partner (overall and by
// type), partners and capacity within the catchment, 2SFCA/E2SFCA, the balanced FCA and
// gravity access; then the need-support gap. With [population], people are the demand and the
// partners table gains catchment figures.
#include "furthest/access.hpp"

#include "core/parallel.hpp"
#include "core/ranking.hpp"
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/readers.hpp"
#include "run/run_state.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "measuring access";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool applies(const RunConfig& config, const RunOptions&) { return config.access.has_value(); }

std::string nearest_column(const RunConfig& config, const std::string& what) {
    return "nearest_" + what + (config.access->travel_costs ? "_cost" : "_m");
}

std::vector<std::string> zone_columns(const RunConfig& config) {
    if (!config.access) return {};
    std::vector<std::string> names = {nearest_column(config, "partner"), "partners_within"};
    if (!config.access->capacity.empty()) names.emplace_back("capacity_within");
    names.emplace_back("access_gravity");
    if (config.population) {
        names.emplace_back("access_2sfca_per_1000");
        names.emplace_back("access_bfca_per_1000");
        names.emplace_back("supply_bfca");
    }
    names.emplace_back("gap_score");
    names.emplace_back("gap_class");
    return names;
}

Decay decay_of(const AccessSpec& spec) {
    switch (spec.decay) {
        case DecayKind::Linear: return Decay::linear(spec.catchment);
        case DecayKind::Gaussian: return Decay::gaussian(spec.bandwidth);
        case DecayKind::Uniform: break;
    }
    return Decay::uniform();
}

std::string decay_words(const AccessSpec& spec) {
    switch (spec.decay) {
        case DecayKind::Linear: return "a linear decay to zero at the catchment";
        case DecayKind::Gaussian: return "a Gaussian decay (sigma " + std::to_string(std::lround(spec.bandwidth)) + ")";
        case DecayKind::Uniform: break;
    }
    return "no decay within the catchment";
}

// The user's travel-cost table as (zone, partner, cost) indices; rows naming zones or partners
// outside the run are left out and counted (cost tables often cover a wider region).
InteractionMatrix matrix_from_costs(RunState& state, const PartnerSet& partners, double max_cost) {
    const TravelCostsSpec& spec = *state.config.access->travel_costs;
    const std::string role = "travel costs";
    const Layer& table = state.tables.get(role, spec.path, spec.layer, role, spec.encoding);
    const Column& origin = io::require_column(table, role, spec.path, spec.origin);
    const Column& destination = io::require_column(table, role, spec.path, spec.destination);
    const std::vector<double> cost =
        io::numeric_values(io::require_column(table, role, spec.path, spec.cost), role, spec.path, false);
    const ZoneSet& zones = need(state.zones, "zones");
    std::unordered_map<std::string, std::int64_t> zone_of, partner_of;
    for (std::size_t z = 0; z < zones.ids.size(); ++z) zone_of.emplace(zones.ids[z], static_cast<std::int64_t>(z));
    for (std::size_t p = 0; p < partners.id.size(); ++p) partner_of.emplace(partners.id[p], static_cast<std::int64_t>(p));
    std::vector<std::int64_t> o, d;
    std::vector<double> c;
    std::size_t unknown = 0;
    for (std::size_t row = 0; row < table.rows(); ++row) {
        const auto z = zone_of.find(io::key_text(origin, row));
        const auto p = partner_of.find(io::key_text(destination, row));
        if (z == zone_of.end() || p == partner_of.end()) {
            ++unknown;
            continue;
        }
        if (std::isnan(cost[row]))
            throw InputError(role + ": '" + spec.path.string() + "' row " + std::to_string(row + 1) + ", column '" + spec.cost +
                             "': the cost is blank; expected a cost >= 0");
        o.push_back(z->second);
        d.push_back(p->second);
        c.push_back(cost[row]);
    }
    if (unknown > 0)
        state.reports.warn("travel_costs_outside_run", role + ": '" + spec.path.string() + "': " + count_of(unknown, "row") +
                                                           " name a zone or partner the run does not have (left out)");
    try {
        return InteractionMatrix::from_costs(static_cast<Eigen::Index>(zones.ids.size()),
                                             static_cast<Eigen::Index>(partners.id.size()), o, d, c, max_cost, state.control);
    } catch (const InputError& error) {
        throw InputError(role + ": '" + spec.path.string() + "': " + error.what());
    }
}

// Per zone, the cost to the nearest partner among `members` (all partners when empty): exact,
// by brute force over straight lines, or the smallest cost in the travel-cost table.
Eigen::VectorXd nearest_cost(RunState& state, const ZoneOrigins& origins, const PartnerSet& partners,
                             const std::vector<std::size_t>& members, const InteractionMatrix* all_costs) {
    const std::size_t n = origins.x.size();
    Eigen::VectorXd out = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(n), kNaN);
    if (all_costs != nullptr) {
        std::vector<bool> member(partners.x.size(), members.empty());
        for (std::size_t p : members) member[p] = true;
        const auto& costs = all_costs->costs();
        for (Eigen::Index z = 0; z < costs.outerSize(); ++z)
            for (InteractionMatrix::Sparse::InnerIterator it(costs, z); it; ++it)
                if (member[static_cast<std::size_t>(it.col())] && !(it.value() >= out(z))) out(z) = it.value();
        return out;
    }
    std::vector<std::size_t> sites = members;
    if (sites.empty())
        for (std::size_t p = 0; p < partners.x.size(); ++p) sites.push_back(p);
    core::parallel_chunks(
        n, state.config.threads,
        [&](std::size_t begin, std::size_t end) {
            for (std::size_t z = begin; z < end; ++z) {
                double best = std::numeric_limits<double>::infinity();
                for (std::size_t p : sites) {
                    const double dx = partners.x[p] - origins.x[z], dy = partners.y[p] - origins.y[z];
                    best = std::min(best, dx * dx + dy * dy);
                }
                out(static_cast<Eigen::Index>(z)) = std::sqrt(best);
            }
        },
        state.control, kStage);
    return out;
}

Column reals_of(const std::string& name, const Eigen::VectorXd& values) {
    return Column::reals(name, Column::Reals(values.data(), values.data() + values.size()));
}

const char* tercile(double percentile) {
    if (percentile > 2.0 / 3.0) return "high";
    if (percentile > 1.0 / 3.0) return "medium";
    return "low";
}

void measure(RunState& state) {
    const RunConfig& config = state.config;
    const AccessSpec& spec = *config.access;
    const ZoneSet& zones = need(state.zones, "zones");
    const ScoringResult& scored = need(state.scores, "scores");
    PartnerSet& partners = need(state.partners, "partners");
    const ZoneOrigins& origins = zone_origins(state);
    const Decay decay = decay_of(spec);
    Layer& zone_table = *zones.layer;

    // One matrix for every measure within the catchment; with travel costs, a second without the
    // cutoff gives the nearest partner however far.
    state.control.report(kStage, 0.0);
    std::optional<InteractionMatrix> all_costs;
    InteractionMatrix m = spec.travel_costs ? matrix_from_costs(state, partners, spec.catchment)
                                            : InteractionMatrix::from_points(origins.x, origins.y, partners.x, partners.y,
                                                                             spec.catchment, config.threads, state.control);
    if (spec.travel_costs) all_costs = matrix_from_costs(state, partners, std::numeric_limits<double>::infinity());
    state.control.check(kStage);

    // Supply: the [access] capacity column (a blank counts as none), or one per partner.
    Eigen::VectorXd supply = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(partners.x.size()));
    if (!spec.capacity.empty()) {
        const auto slot = std::find(partners.capacity_names.begin(), partners.capacity_names.end(), spec.capacity) -
                          partners.capacity_names.begin();
        supply = partners.capacity.col(slot).unaryExpr([](double v) { return std::isnan(v) ? 0.0 : v; });
    }

    // Nearest partner, overall and per type (types in sorted order, so columns do not depend on row order).
    const InteractionMatrix* costs = all_costs ? &*all_costs : nullptr;
    OutputCatalogue::add_column(zone_table,
                                reals_of(nearest_column(config, "partner"), nearest_cost(state, origins, partners, {}, costs)));
    std::map<std::string, std::vector<std::size_t>> by_type;
    for (std::size_t p = 0; p < partners.type.size(); ++p)
        if (!partners.type[p].empty()) by_type[core::slug(partners.type[p])].push_back(p);
    if (by_type.size() > 1 || (by_type.size() == 1 && by_type.begin()->second.size() < partners.type.size()))
        for (const auto& [type, members] : by_type) {
            state.control.check(kStage);
            OutputCatalogue::add_column(
                zone_table, reals_of(nearest_column(config, type), nearest_cost(state, origins, partners, members, costs)));
        }

    const auto within = sites_within(m);
    OutputCatalogue::add_column(
        zone_table, Column::integers("partners_within", Column::Integers(within.data(), within.data() + within.size())));
    if (!spec.capacity.empty()) OutputCatalogue::add_column(zone_table, reals_of("capacity_within", supply_within(m, supply)));
    const Eigen::VectorXd gravity_access = gravity(m, supply, decay);
    OutputCatalogue::add_column(zone_table, reals_of("access_gravity", gravity_access));

    AccessSet access;
    nlohmann::ordered_json section = {
        {"pairs_within_catchment", m.pairs()},
        {"zones_with_no_partner_within_catchment", (within.array() == 0).count()},
        {"origins", origins.method},
        {"supply", spec.capacity.empty() ? std::string("one per partner") : "column '" + spec.capacity + "'"},
        {"supply_total", supply.sum()}};
    if (state.people) {
        const Eigen::VectorXd& people = state.people->count;
        const FloatingCatchment fca = two_step_fca(m, people, supply, decay);
        const FloatingCatchment bfca = balanced_fca(m, people, supply, decay);
        OutputCatalogue::add_column(zone_table, reals_of("access_2sfca_per_1000", fca.access * 1000.0));
        OutputCatalogue::add_column(zone_table, reals_of("access_bfca_per_1000", bfca.access * 1000.0));
        OutputCatalogue::add_column(zone_table, reals_of("supply_bfca", bfca.zone_supply));
        // Per partner: the people within reach, and the demand each catchment model puts on it.
        Eigen::VectorXd people_within = Eigen::VectorXd::Zero(m.sites());
        const auto& c = m.costs();
        for (Eigen::Index z = 0; z < c.outerSize(); ++z)
            for (InteractionMatrix::Sparse::InnerIterator it(c, z); it; ++it) people_within(it.col()) += people(z);
        Layer& table = *partners.table;
        OutputCatalogue::add_column(table, reals_of("people_within", people_within));
        OutputCatalogue::add_column(table, reals_of("demand_2sfca", fca.site_demand));
        OutputCatalogue::add_column(table, reals_of("supply_per_1000_2sfca", fca.site_ratio * 1000.0));
        OutputCatalogue::add_column(table, reals_of("people_served_bfca", bfca.site_demand));
        access.support = bfca.access * 1000.0;
        access.support_column = "access_bfca_per_1000";
        access.zone_supply = bfca.zone_supply;
        section["people_with_no_partner_within_catchment"] = (within.array() == 0).select(people.array(), 0.0).sum();
        section["supply_reached_bfca"] = bfca.zone_supply.sum();
    } else {
        access.support = gravity_access;
        access.support_column = "access_gravity";
    }

    NeedSupportGap gap = need_support_gap(scored.score, access.support);
    access.gap_score = gap.score;
    access.high_need_low_support = gap.high_need_low_support;
    // Per partner: the people of its catchment weighted by how far need outruns support there,
    // each zone's share split evenly among the partners that reach it (for allocations).
    if (state.people) {
        access.partner_gap_people = Eigen::VectorXd::Zero(m.sites());
        const auto& c = m.costs();
        for (Eigen::Index z = 0; z < c.outerSize(); ++z) {
            const double reached = static_cast<double>(within(z));
            const double weight = state.people->count(z) * std::max(0.0, access.gap_score(z));
            if (reached == 0.0 || !(weight > 0.0)) continue;
            for (InteractionMatrix::Sparse::InnerIterator it(c, z); it; ++it)
                access.partner_gap_people(it.col()) += weight / reached;
        }
    }
    OutputCatalogue::add_column(zone_table, reals_of("gap_score", access.gap_score));
    OutputCatalogue::add_column(zone_table, Column::texts("gap_class", std::move(gap.classes), std::move(gap.valid)));
    section["support_measure"] = access.support_column;
    section["zones_high_need_low_support"] =
        std::count(access.high_need_low_support.begin(), access.high_need_low_support.end(), true);
    state.facts.sections.emplace_back("access", section.dump());

    const std::string distance = spec.travel_costs ? "travel costs from '" + spec.travel_costs->path.filename().string() + "'"
                                                   : "straight-line distance from " + origins.method;
    state.facts.method.push_back(
        "Access was measured by " + distance + " to partners within " + std::to_string(std::lround(spec.catchment)) +
        (spec.travel_costs ? "" : " m") + ", with " + decay_words(spec) +
        (state.people ? "; two-step floating catchment (2SFCA) and the balanced floating catchment (BFCA, which counts "
                        "each person and each unit of capacity once, so zone figures add up to an area's) share each "
                        "partner's capacity among the people within reach"
                      : "; without [population], gravity access (capacity weighted by the decay) stands for support") +
        ". The gap score is a zone's need percentile minus its support percentile (" + access.support_column +
        ") among the run's zones; gap classes are terciles of each.");
    access.supply = supply;
    access.decay = decay;
    access.matrix = std::move(m);
    state.access = std::move(access);
}

}  // namespace

NeedSupportGap need_support_gap(const Eigen::VectorXd& need_score, const Eigen::VectorXd& support) {
    // How much higher a zone stands on need than on support, both as percentiles among the run's
    // zones; classes by terciles of each.
    const Eigen::VectorXd need_pct = core::percentiles(need_score);
    const Eigen::VectorXd support_pct = core::percentiles(support);
    const auto n = static_cast<std::size_t>(need_score.size());
    NeedSupportGap gap;
    gap.score = need_pct - support_pct;
    gap.classes.assign(n, std::string());
    gap.valid.assign(n, false);
    gap.high_need_low_support.assign(n, false);
    for (std::size_t z = 0; z < n; ++z) {
        const auto i = static_cast<Eigen::Index>(z);
        if (!std::isfinite(gap.score(i))) continue;
        gap.classes[z] = std::string(tercile(need_pct(i))) + " need, " + tercile(support_pct(i)) + " support";
        gap.valid[z] = true;
        gap.high_need_low_support[z] = need_pct(i) > 2.0 / 3.0 && support_pct(i) <= 1.0 / 3.0;
    }
    return gap;
}

Eigen::VectorXd support_with(const AccessSet& access, const Eigen::VectorXd* people, const Eigen::VectorXd& supply) {
    if (people != nullptr) return balanced_fca(access.matrix, *people, supply, access.decay).access * 1000.0;
    return gravity(access.matrix, supply, access.decay);
}

extern const Stage access_stage{kStage, applies, no_tables, zone_columns, measure};

}  // namespace furthest::run_detail
