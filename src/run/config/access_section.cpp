// [access]: how far partners reach (straight line or a travel-cost table) and how their pull
// fades; [hotspots]: hot and cold spots of the need-support gap.
#include "core/dates.hpp"
#include "core/text.hpp"
#include "run/config/sections.hpp"

#include <cmath>

namespace furthest::run_detail {

void parse_access_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("access")) return;
    const std::string section = "[access]";
    const auto& table = reader.section(root, "access", false);
    reader.check_keys(table, section, {"catchment", "decay", "bandwidth", "capacity", "as_of", "travel_costs"});
    if (config.partners.empty()) reader.fail("[access] needs partners to reach; expected at least one [[partners]] table");
    AccessSpec spec;
    if (!table.get("catchment"))
        reader.fail(
            "[access] is missing 'catchment'; expected how far a partner reaches, e.g. catchment = 2000 "
            "(metres, or the travel-cost table's unit)");
    spec.catchment = reader.number(table, section, "catchment", 0.0);
    if (!(spec.catchment > 0.0) || !std::isfinite(spec.catchment))
        reader.fail("'catchment' in [access] must be a finite number > 0 (metres, or the travel-cost table's unit)");
    const std::string decay = reader.text(table, section, "decay", false, "'uniform', 'linear' or 'gaussian'");
    if (decay.empty() || decay == "uniform") spec.decay = DecayKind::Uniform;
    else if (decay == "linear") spec.decay = DecayKind::Linear;
    else if (decay == "gaussian") spec.decay = DecayKind::Gaussian;
    else
        reader.fail("'decay' in [access]" + line_of_key(table, "decay") + " is '" + decay + "'" +
                    core::did_you_mean(decay, {"uniform", "linear", "gaussian"}) +
                    "; expected 'uniform' (plain 2SFCA), 'linear' or 'gaussian' (E2SFCA)");
    spec.bandwidth = reader.number(table, section, "bandwidth", 0.0);
    if (table.get("bandwidth") && spec.decay != DecayKind::Gaussian)
        reader.fail("'bandwidth' in [access] only applies with decay = \"gaussian\"");
    if (!(spec.bandwidth >= 0.0) || !std::isfinite(spec.bandwidth))
        reader.fail("'bandwidth' in [access] must be a finite number > 0 (the Gaussian's sigma)");
    if (spec.decay == DecayKind::Gaussian && spec.bandwidth == 0.0) spec.bandwidth = spec.catchment / 2.0;

    spec.capacity = reader.text(table, section, "capacity", false, "a capacity column every partners table lists");
    if (!spec.capacity.empty())
        for (std::size_t i = 0; i < config.partners.size(); ++i) {
            const auto& listed = config.partners[i].capacity;
            if (std::find(listed.begin(), listed.end(), spec.capacity) == listed.end())
                reader.fail("[access] capacity = '" + spec.capacity + "' but partners table '" + config.partners[i].name +
                            "' does not list it in its 'capacity'; expected a capacity column every partners table has");
        }
    spec.as_of = reader.text(table, section, "as_of", false, "a date, e.g. \"2025-04-01\"");
    if (!spec.as_of.empty() && (spec.as_of.size() != 10 || !core::day_number(spec.as_of, core::DateEnd::First)))
        reader.fail("'as_of' in [access] is '" + spec.as_of + "'; expected a date written YYYY-MM-DD");
    for (const auto& partners : config.partners)
        if ((!partners.active_from.empty() || !partners.active_to.empty()) && spec.as_of.empty())
            reader.fail("partners table '" + partners.name +
                        "' gives active_from/active_to but [access] has no 'as_of'; expected the date on which partners "
                        "must be active, e.g. as_of = \"2025-04-01\"");

    if (const toml::node* node = table.get("travel_costs")) {
        const std::string where = "[access.travel_costs]";
        if (!node->is_table()) reader.fail("'travel_costs' in [access]" + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& costs = *node->as_table();
        reader.check_keys(costs, where, {"path", "layer", "origin", "destination", "cost", "encoding"});
        TravelCostsSpec travel;
        travel.path = reader.path(costs, where, "path");
        travel.layer = reader.text(costs, where, "layer", false, "a layer name");
        travel.encoding = reader.encoding(costs, where);
        travel.origin = reader.text(costs, where, "origin", true, "the zone id column");
        travel.destination = reader.text(costs, where, "destination", true, "the partner id column");
        travel.cost = reader.text(costs, where, "cost", true, "the cost column (minutes, metres ...)");
        for (const auto& partners : config.partners)
            if (partners.id.empty())
                reader.fail(where + " names partners by id but partners table '" + partners.name +
                            "' has no 'id'; expected each [[partners]] table to give its id column");
        spec.travel_costs = std::move(travel);
    }
    config.access = std::move(spec);
}

void parse_hotspots_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("hotspots")) return;
    const std::string section = "[hotspots]";
    const auto& table = reader.section(root, "hotspots", false);
    reader.check_keys(table, section, {"variable", "weights", "k", "distance", "permutations", "seed", "alpha", "correction"});
    HotspotsSpec spec;
    const std::string variable = reader.text(table, section, "variable", false, "'gap_score' or 'score'");
    if (!variable.empty()) spec.variable = variable;
    if (spec.variable != "gap_score" && spec.variable != "score")
        reader.fail("'variable' in [hotspots] is '" + spec.variable + "'" +
                    core::did_you_mean(spec.variable, {"gap_score", "score"}) +
                    "; expected 'gap_score' (need against support) or 'score' (need)");
    if (spec.variable == "gap_score" && !config.access)
        reader.fail(
            "[hotspots] variable = 'gap_score' needs [access] (the gap is need against access to support); "
            "add [access] or set variable = \"score\"");
    const std::string weights = reader.text(table, section, "weights", false, "'queen', 'rook', 'knn' or 'distance'");
    if (weights.empty() || weights == "queen") spec.weights = WeightsKind::Queen;
    else if (weights == "rook") spec.weights = WeightsKind::Rook;
    else if (weights == "knn") spec.weights = WeightsKind::Knn;
    else if (weights == "distance") spec.weights = WeightsKind::DistanceBand;
    else
        reader.fail("'weights' in [hotspots] is '" + weights + "'" +
                    core::did_you_mean(weights, {"queen", "rook", "knn", "distance"}) +
                    "; expected 'queen' or 'rook' (shared boundary), 'knn' (k nearest) or 'distance' (a distance band)");
    const double k = reader.number(table, section, "k", 6.0);
    if (!(k >= 1.0 && k <= 100.0) || k != std::floor(k)) reader.fail("'k' in [hotspots] must be a whole number from 1 to 100");
    spec.k = static_cast<int>(k);
    if (table.get("k") && spec.weights != WeightsKind::Knn) reader.fail("'k' in [hotspots] only applies with weights = \"knn\"");
    spec.distance = reader.number(table, section, "distance", 0.0);
    if (spec.weights == WeightsKind::DistanceBand && (!(spec.distance > 0.0) || !std::isfinite(spec.distance)))
        reader.fail("[hotspots] weights = \"distance\" needs 'distance', a finite band in metres > 0");
    if (table.get("distance") && spec.weights != WeightsKind::DistanceBand)
        reader.fail("'distance' in [hotspots] only applies with weights = \"distance\"");
    const double permutations = reader.number(table, section, "permutations", 999.0);
    if (!(permutations >= 99.0 && permutations <= 99999.0) || permutations != std::floor(permutations))
        reader.fail("'permutations' in [hotspots] must be a whole number from 99 to 99999");
    spec.permutations = static_cast<int>(permutations);
    const double seed = reader.number(table, section, "seed", static_cast<double>(spec.seed));
    if (!(seed >= 0.0 && seed <= 9007199254740992.0) || seed != std::floor(seed))
        reader.fail("'seed' in [hotspots] must be a whole number from 0 to 2^53");
    spec.seed = static_cast<std::uint64_t>(seed);
    spec.alpha = reader.number(table, section, "alpha", 0.05);
    if (!(spec.alpha > 0.0 && spec.alpha < 1.0)) reader.fail("'alpha' in [hotspots] must lie between 0 and 1, e.g. 0.05");
    const std::string correction = reader.text(table, section, "correction", false, "'fdr' or 'none'");
    if (correction.empty() || correction == "fdr") spec.false_discovery_rate = true;
    else if (correction == "none") spec.false_discovery_rate = false;
    else
        reader.fail("'correction' in [hotspots] is '" + correction + "'" + core::did_you_mean(correction, {"fdr", "none"}) +
                    "; expected 'fdr' (Benjamini-Hochberg over the zones) or 'none'");
    config.hotspots = spec;
}

}  // namespace furthest::run_detail
