// Stage: hot and cold spots of the need-support gap (or of need) with local Gi* and local
// Moran's I, seeded permutation inference (the same for any thread count), and a false-discovery
// -rate correction over the zones. The manifest records whether the permutations could reach
// significance at all after the correction.
#include "furthest/errors.hpp"
#include "furthest/spatial_stats.hpp"
#include "run/run_state.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "finding hot spots";

bool applies(const RunConfig& config, const RunOptions&) { return config.hotspots.has_value(); }

std::vector<std::string> zone_columns(const RunConfig&) {
    return {"hotspot_gi_z", "hotspot_gi_p", "hotspot", "hotspot_moran_i", "hotspot_moran_p", "hotspot_cluster"};
}

SpatialWeights weights_for(RunState& state, const HotspotsSpec& spec) {
    const ZoneSet& zones = need(state.zones, "zones");
    switch (spec.weights) {
        case WeightsKind::Queen:
        case WeightsKind::Rook:
            return contiguity_weights(zones.layer->wkb, spec.weights == WeightsKind::Queen ? Contiguity::Queen : Contiguity::Rook,
                                      state.config.threads, state.control);
        case WeightsKind::Knn: {
            const ZoneOrigins& origins = zone_origins(state);
            return knn_weights(origins.x, origins.y, static_cast<std::size_t>(spec.k));
        }
        case WeightsKind::DistanceBand: {
            const ZoneOrigins& origins = zone_origins(state);
            return distance_band_weights(origins.x, origins.y, spec.distance, true);
        }
    }
    throw std::logic_error("unknown weights kind");
}

const char* weights_words(const HotspotsSpec& spec) {
    switch (spec.weights) {
        case WeightsKind::Queen: return "queen contiguity (zones sharing a boundary or a corner)";
        case WeightsKind::Rook: return "rook contiguity (zones sharing a boundary line)";
        case WeightsKind::Knn: return "the k nearest zones";
        case WeightsKind::DistanceBand: return "zones within a distance band";
    }
    return "";
}

// The weights among `kept` zones only (indices renumbered to positions in `kept`).
SpatialWeights subgraph(const SpatialWeights& all, const std::vector<std::size_t>& kept) {
    std::vector<std::size_t> position(all.size(), all.size());
    for (std::size_t i = 0; i < kept.size(); ++i) position[kept[i]] = i;
    SpatialWeights out;
    out.offsets.assign(1, 0);
    for (std::size_t z : kept) {
        for (std::size_t k = all.offsets[z]; k < all.offsets[z + 1]; ++k)
            if (position[all.neighbours[k]] < all.size()) {
                out.neighbours.push_back(position[all.neighbours[k]]);
                out.weights.push_back(all.weights[k]);
            }
        out.offsets.push_back(out.neighbours.size());
    }
    return out;
}

// Significant after the correction: BH over the zones with a p-value, or each at alpha.
std::vector<bool> significant(const std::vector<double>& p, const HotspotsSpec& spec) {
    if (spec.false_discovery_rate) return benjamini_hochberg(p, spec.alpha);
    std::vector<bool> out(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) out[i] = p[i] <= spec.alpha;
    return out;
}

void find(RunState& state) {
    const RunConfig& config = state.config;
    const HotspotsSpec& spec = *config.hotspots;
    const ZoneSet& zones = need(state.zones, "zones");
    const std::size_t n = zones.ids.size();
    const Eigen::VectorXd values =
        spec.variable == "gap_score" ? need(state.access, "access").gap_score : need(state.scores, "scores").score;
    // Zones the scoring left blank (missing policy "drop") are left out of the neighbour graph
    // and unclassified, and said so.
    std::vector<std::size_t> kept;
    std::vector<std::string> blank;
    for (std::size_t z = 0; z < n; ++z)
        if (std::isfinite(values(static_cast<Eigen::Index>(z)))) kept.push_back(z);
        else blank.push_back(zones.ids[z]);
    if (kept.size() < 3)
        throw InputError("hot spots: " + spec.variable + " has a value for only " + count_of(kept.size(), "zone") +
                         "; expected at least 3 zones with values");
    if (!blank.empty())
        state.reports.warn("hotspots_blank",
                           "hot spots: " + spec.variable + " is blank for " + count_of(blank.size(), "zone") +
                               " (left out by the missing-value policy); they are left out of the neighbour graph and "
                               "unclassified: " +
                               list_some(blank),
                           blank);

    const SpatialWeights all = weights_for(state, spec);
    SpatialWeights weights = kept.size() == n ? all : subgraph(all, kept);
    std::vector<std::size_t> islands;
    for (std::size_t i : weights.islands()) islands.push_back(kept[i]);
    weights.row_standardise();
    state.control.check(kStage);
    std::vector<double> y(kept.size());
    for (std::size_t i = 0; i < kept.size(); ++i) y[i] = values(static_cast<Eigen::Index>(kept[i]));
    // Gi* divides by the sum of the values, which for a gap (need percentile minus support
    // percentile) is zero by construction, and it assumes values >= 0. Shifting by a constant
    // leaves its permutation z-scores and p-values unchanged (each zone's neighbour weights sum to
    // the same in every permutation), so Gi* sees the values moved to start at 1.
    const double lowest = *std::min_element(y.begin(), y.end());
    const double shift = lowest < 1.0 ? 1.0 - lowest : 0.0;
    std::vector<double> y_positive(y);
    for (double& v : y_positive) v += shift;
    const LocalStatistics gi_kept =
        local_gi_star(y_positive, weights, spec.permutations, spec.seed, config.threads, state.control);
    const LocalStatistics moran_kept = local_moran(y, weights, spec.permutations, spec.seed, config.threads, state.control);
    const std::vector<bool> gi_kept_significant = significant(gi_kept.p, spec);
    const std::vector<bool> moran_kept_significant = significant(moran_kept.p, spec);
    // Back onto every zone: NaN and "no value" for the zones left out.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    LocalStatistics gi, moran;
    for (LocalStatistics* s : {&gi, &moran}) {
        s->statistic.assign(n, nan);
        s->z.assign(n, nan);
        s->p.assign(n, nan);
        s->cluster.assign(n, 0);
    }
    std::vector<bool> gi_significant(n, false), moran_significant(n, false), has_value(n, false), no_neighbours(n, false);
    for (std::size_t i = 0; i < kept.size(); ++i) {
        const std::size_t z = kept[i];
        has_value[z] = true;
        no_neighbours[z] = weights.cardinality(i) == 0;
        for (auto [to, from] : {std::pair{&gi, &gi_kept}, std::pair{&moran, &moran_kept}}) {
            to->statistic[z] = from->statistic[i];
            to->z[z] = from->z[i];
            to->p[z] = from->p[i];
            to->cluster[z] = from->cluster[i];
        }
        gi_significant[z] = gi_kept_significant[i];
        moran_significant[z] = moran_kept_significant[i];
    }
    gi.min_p = gi_kept.min_p;

    Column::Texts hotspot(n), cluster(n);
    static constexpr const char* quadrant[] = {"", "high-high", "low-high", "low-low", "high-low"};
    std::size_t hot = 0, cold = 0;
    for (std::size_t z = 0; z < n; ++z) {
        if (!has_value[z] || no_neighbours[z]) {
            hotspot[z] = cluster[z] = has_value[z] ? "no neighbours" : "no value";
            continue;
        }
        hotspot[z] = !gi_significant[z] ? "not significant" : gi.cluster[z] > 0 ? "hot spot" : "cold spot";
        hot += hotspot[z] == "hot spot";
        cold += hotspot[z] == "cold spot";
        cluster[z] = moran_significant[z] && moran.cluster[z] >= 1 && moran.cluster[z] <= 4 ? quadrant[moran.cluster[z]]
                                                                                            : "not significant";
    }
    Layer& table = *zones.layer;
    auto reals = [](const char* name, const std::vector<double>& v) { return Column::reals(name, v); };
    OutputCatalogue::add_column(table, reals("hotspot_gi_z", gi.z));
    OutputCatalogue::add_column(table, reals("hotspot_gi_p", gi.p));
    OutputCatalogue::add_column(table, Column::texts("hotspot", std::move(hotspot)));
    OutputCatalogue::add_column(table, reals("hotspot_moran_i", moran.statistic));
    OutputCatalogue::add_column(table, reals("hotspot_moran_p", moran.p));
    OutputCatalogue::add_column(table, Column::texts("hotspot_cluster", std::move(cluster)));

    const Correction correction = spec.false_discovery_rate ? Correction::FalseDiscoveryRate : Correction::None;
    const bool suffice = permutations_suffice(spec.permutations, spec.alpha, kept.size(), correction);
    std::vector<std::string> island_ids;
    for (std::size_t z : islands) island_ids.push_back(zones.ids[z]);
    if (!island_ids.empty())
        state.reports.warn("hotspots_islands",
                           "hot spots: " + count_of(island_ids.size(), "zone") + " have no neighbours under " +
                               weights_words(spec) + " and are left unclassified: " + list_some(island_ids),
                           island_ids);
    if (!suffice)
        state.reports.warn("hotspots_permutations", "hot spots: with " + std::to_string(spec.permutations) +
                                                        " permutations the smallest p-value is " + std::to_string(gi.min_p) +
                                                        ", above the strictest corrected threshold for " + count_of(n, "zone") +
                                                        "; a lone hot spot cannot be found, only clusters of them (raise "
                                                        "[hotspots] permutations for more power)");
    const nlohmann::ordered_json section = {
        {"variable", spec.variable},
        {"weights", weights_words(spec)},
        {"row_standardised", true},
        {"gi_star_shift", shift},
        {"permutations", spec.permutations},
        {"seed", spec.seed},
        {"alpha", spec.alpha},
        {"correction", spec.false_discovery_rate ? "Benjamini-Hochberg false discovery rate over the zones" : "none"},
        {"p_values", "two-sided pseudo p-values from conditional permutations"},
        {"min_p", gi.min_p},
        {"permutations_suffice", suffice},
        {"islands", island_ids},
        {"hot_spots", hot},
        {"cold_spots", cold}};
    state.facts.sections.emplace_back("hotspots", section.dump());
    state.facts.method.push_back(
        "Hot and cold spots of " + spec.variable + " are local Getis-Ord Gi* and local Moran's I over " + weights_words(spec) +
        " (row-standardised), with " + std::to_string(spec.permutations) + " conditional permutations (seed " +
        std::to_string(spec.seed) + ") and " +
        (spec.false_discovery_rate ? "a Benjamini-Hochberg false discovery rate of " : "each zone tested at ") +
        std::to_string(spec.alpha) + "; zones without neighbours are left unclassified.");
}

}  // namespace

extern const Stage hotspots_stage{kStage, applies, no_tables, zone_columns, find};

}  // namespace furthest::run_detail
