// [rollout]: the furthest-first plan (areas into waves, zones into waves within each area) and
// [rollout.allocation], a budget shared by the need-support gap.
#include "core/text.hpp"
#include "run/config/sections.hpp"

#include <algorithm>
#include <cmath>

namespace furthest::run_detail {
namespace {

long long whole(const Reader& reader, const toml::table& table, const std::string& section, const std::string& key,
                double fallback, double low, double high) {
    const double value = reader.number(table, section, key, fallback);
    if (!(value >= low && value <= high) || value != std::floor(value))
        reader.fail("'" + key + "' in " + section + " must be a whole number from " + std::to_string(std::llround(low)) + " to " +
                    std::to_string(std::llround(high)));
    return std::llround(value);
}

}  // namespace

void parse_rollout_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("rollout")) return;
    const std::string section = "[rollout]";
    const auto& table = reader.section(root, "rollout", false);
    reader.check_keys(table, section,
                      {"area_rule", "areas_per_wave", "done", "zone_order", "zone_capacity", "zone_capacity_unit", "robust_share",
                       "older_column", "national_decile", "allocation", "hubs"});
    RolloutSpec spec;
    const bool has_access = config.access.has_value();
    const std::string rule = reader.text(table, section, "area_rule", false, "an area rule");
    if (rule.empty()) spec.area_rule = has_access ? AreaRule::HighNeedLowSupport : AreaRule::TopDecileShare;
    else if (rule == "high_need_low_support") spec.area_rule = AreaRule::HighNeedLowSupport;
    else if (rule == "top_decile_share") spec.area_rule = AreaRule::TopDecileShare;
    else if (rule == "robust_top_n") spec.area_rule = AreaRule::RobustTopN;
    else
        reader.fail("'area_rule' in [rollout]" + line_of_key(table, "area_rule") + " is '" + rule + "'" +
                    core::did_you_mean(rule, {"high_need_low_support", "top_decile_share", "robust_top_n"}) +
                    "; expected 'high_need_low_support' (people in zones of high need and low support), "
                    "'top_decile_share' or 'robust_top_n' (zones in the area's first N in most uncertainty draws)");
    if (spec.area_rule == AreaRule::HighNeedLowSupport && (!has_access || !config.population))
        reader.fail(
            "[rollout] area_rule = 'high_need_low_support' counts people against support: it needs [population] "
            "and [access]; or choose area_rule = \"top_decile_share\"");
    if (spec.area_rule == AreaRule::RobustTopN && config.scoring.uncertainty.draws == 0)
        reader.fail("[rollout] area_rule = 'robust_top_n' needs uncertainty draws ([scoring.uncertainty] draws > 0)");
    spec.areas_per_wave = static_cast<int>(whole(reader, table, section, "areas_per_wave", 4, 1, 1000));
    spec.done = text_list(reader, table, section, "done", "area ids already rolled out, e.g. [\"U12345\"]");

    const std::string order = reader.text(table, section, "zone_order", false, "'gap' or 'need'");
    if (order.empty()) spec.zone_order = has_access ? ZoneOrder::Gap : ZoneOrder::Need;
    else if (order == "gap") spec.zone_order = ZoneOrder::Gap;
    else if (order == "need") spec.zone_order = ZoneOrder::Need;
    else
        reader.fail("'zone_order' in [rollout] is '" + order + "'" + core::did_you_mean(order, {"gap", "need"}) +
                    "; expected 'gap' (need outrunning support first) or 'need'");
    if (spec.zone_order == ZoneOrder::Gap && !has_access)
        reader.fail("[rollout] zone_order = 'gap' needs [access]; or set zone_order = \"need\"");
    const std::string unit = reader.text(table, section, "zone_capacity_unit", false, "'zones' or 'people'");
    if (unit.empty() || unit == "zones") spec.zone_capacity_unit = CapacityUnit::Zones;
    else if (unit == "people") spec.zone_capacity_unit = CapacityUnit::People;
    else
        reader.fail("'zone_capacity_unit' in [rollout] is '" + unit + "'" + core::did_you_mean(unit, {"zones", "people"}) +
                    "; expected 'zones' or 'people'");
    if (spec.zone_capacity_unit == CapacityUnit::People && !config.population)
        reader.fail("[rollout] zone_capacity_unit = 'people' needs [population]");
    spec.zone_capacity = reader.number(table, section, "zone_capacity", 10.0);
    if (!(spec.zone_capacity >= 1.0) || !std::isfinite(spec.zone_capacity))
        reader.fail("'zone_capacity' in [rollout] must be a finite number >= 1 (zones or people one wave serves in an area)");
    spec.robust_share = reader.number(table, section, "robust_share", 0.9);
    if (!(spec.robust_share > 0.0 && spec.robust_share <= 1.0))
        reader.fail("'robust_share' in [rollout] must lie in (0, 1], e.g. 0.9");
    spec.older_column = reader.text(table, section, "older_column", false, "the [population] table's 65+ column");
    if (!spec.older_column.empty() && !config.population)
        reader.fail("[rollout] older_column reads the [population] table; the config has no [population]");
    spec.national_decile = reader.text(table, section, "national_decile", false, "an [[indicators]] name");
    if (!spec.national_decile.empty()) {
        bool found = false;
        std::vector<std::string> names;
        for (const auto& indicator : config.indicators) {
            found = found || indicator.name == spec.national_decile;
            names.push_back(indicator.name);
        }
        if (!found)
            reader.fail("[rollout] national_decile = '" + spec.national_decile + "' is not an [[indicators]] name" +
                        core::did_you_mean(spec.national_decile, names) +
                        "; expected the indicator holding national IMD deciles (weight = 0 keeps it out of the score)");
    }

    if (const toml::node* node = table.get("allocation")) {
        const std::string where = "[rollout.allocation]";
        if (!node->is_table()) reader.fail("'allocation' in [rollout]" + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& allocation = *node->as_table();
        reader.check_keys(allocation, where, {"budget", "unit", "to", "minimum", "cap"});
        if (!has_access) reader.fail(where + " shares a budget by the need-support gap: it needs [access]");
        AllocationSpec share;
        if (!allocation.get("budget")) reader.fail(where + " is missing 'budget'; expected whole units, e.g. budget = 200");
        share.budget = whole(reader, allocation, where, "budget", 0, 1, 1e12);
        const std::string what = reader.text(allocation, where, "unit", false, "what a unit is, e.g. \"tablets\"");
        if (!what.empty()) share.unit = what;
        const std::string to = reader.text(allocation, where, "to", false, "'zones', 'areas' or 'partners'");
        if (to.empty() || to == "areas") share.to = AllocationSpec::To::Areas;
        else if (to == "zones") share.to = AllocationSpec::To::Zones;
        else if (to == "partners") share.to = AllocationSpec::To::Partners;
        else
            reader.fail("'to' in " + where + " is '" + to + "'" + core::did_you_mean(to, {"zones", "areas", "partners"}) +
                        "; expected 'zones', 'areas' or 'partners'");
        if (share.to == AllocationSpec::To::Partners && !config.population)
            reader.fail(where + " to = 'partners' shares by the people each partner serves: it needs [population]");
        share.minimum = whole(reader, allocation, where, "minimum", 0, 0, 1e12);
        share.cap = whole(reader, allocation, where, "cap", 0, 0, 1e12);
        if (share.cap > 0 && share.cap < share.minimum)
            reader.fail("'cap' in " + where + " is below 'minimum'; expected cap >= minimum (or cap = 0 for none)");
        spec.allocation = share;
    }
    if (const toml::node* node = table.get("hubs")) {
        const std::string where = "[rollout.hubs]";
        if (!node->is_table()) reader.fail("'hubs' in [rollout]" + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& hubs = *node->as_table();
        reader.check_keys(hubs, where, {"candidates", "existing", "waves", "objective", "radius"});
        if (!has_access || !config.population)
            reader.fail(where + " weighs people by need within a hub's reach: it needs [population] and [access]");
        HubsSpec site;
        site.candidates = text_list(reader, hubs, where, "candidates", "partners table names, e.g. [\"gp_practices\"]");
        site.existing = text_list(reader, hubs, where, "existing", "partners table names, e.g. [\"libraries\"]");
        if (site.candidates.empty()) reader.fail(where + " needs 'candidates': the partners tables that may host a new hub");
        std::vector<std::string> names;
        for (const auto& partners : config.partners) names.push_back(partners.name);
        for (const auto* list : {&site.candidates, &site.existing})
            for (const auto& name : *list)
                if (std::find(names.begin(), names.end(), name) == names.end())
                    reader.fail(where + " names partners table '" + name + "'" + core::did_you_mean(name, names) +
                                "; expected one of the [[partners]] names");
        for (const auto& name : site.candidates)
            if (std::find(site.existing.begin(), site.existing.end(), name) != site.existing.end())
                reader.fail(where + " lists '" + name + "' as both candidates and existing hubs");
        if (const toml::node* waves = hubs.get("waves")) {
            const toml::array* array = waves->as_array();
            if (array == nullptr || array->empty())
                reader.fail("'waves' in " + where + line_of(*waves) + " must be a list of whole numbers, e.g. [2, 2, 1]");
            site.waves.clear();
            for (const auto& item : *array) {
                const auto* number = item.as_integer();
                if (number == nullptr || number->get() < 0 || number->get() > 100000)
                    reader.fail("'waves' in " + where + line_of(item) +
                                " holds a value that is not a whole number from 0 to 100000");
                site.waves.push_back(number->get());
            }
        }
        const std::string objective = reader.text(hubs, where, "objective", false, "'covering' or 'median'");
        if (!objective.empty() && objective != "covering" && objective != "median")
            reader.fail("'objective' in " + where + " is '" + objective + "'" +
                        core::did_you_mean(objective, {"covering", "median"}) +
                        "; expected 'covering' (need-weighted people within reach) or 'median' (need-weighted distance)");
        site.covering = objective != "median";
        site.radius = reader.number(hubs, where, "radius", 0.0);
        if (!(site.radius >= 0.0) || !std::isfinite(site.radius))
            reader.fail("'radius' in " + where + " must be a finite number >= 0 (0: the [access] catchment)");
        if (site.radius == 0.0) site.radius = config.access->catchment;
        if (config.access->travel_costs)
            reader.fail(where + " places hubs by straight-line reach; with [access.travel_costs] it is not supported yet");
        spec.hubs = std::move(site);
    }
    config.rollout = std::move(spec);
}

}  // namespace furthest::run_detail
