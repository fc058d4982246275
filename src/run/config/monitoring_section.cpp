// [monitoring]: the programme's activity log, its period, disclosure control and the bootstrap;
// [monitoring.targets], what the plan expected of each area wave; [monitoring.feedback], how much
// support each champion, hub and device adds when fed back into access.
#include "core/text.hpp"
#include "run/config/sections.hpp"
#include "run/invariants.hpp"

#include <algorithm>
#include <cmath>

namespace furthest::run_detail {

void parse_monitoring_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("monitoring")) return;
    const std::string section = "[monitoring]";
    const auto& table = reader.section(root, "monitoring", false);
    reader.check_keys(table, section, {"path",     "layer",    "encoding", "partner", "date",  "kind",    "count",
                                       "postcode", "zone",     "in_need",  "from",    "to",    "period",  "threshold",
                                       "zeros",    "suppress", "draws",    "seed",    "level", "targets", "feedback"});
    MonitoringSpec spec;
    spec.path = reader.path(table, section, "path");
    spec.layer = reader.text(table, section, "layer", false, "a layer or sheet name");
    spec.encoding = reader.encoding(table, section);
    spec.partner = reader.text(table, section, "partner", true, "the column holding each row's partner id");
    spec.date = reader.text(table, section, "date", true, "the column holding each row's date");
    spec.kind = reader.text(table, section, "kind", true, "the column holding what happened (\"Person helped\" ...)");
    spec.count = reader.text(table, section, "count", false, "the column holding how many (1 per row when absent)");
    spec.postcode = reader.text(table, section, "postcode", false, "the column holding the resident's postcode");
    spec.zone = reader.text(table, section, "zone", false, "the column holding the resident's zone code");
    spec.in_need = reader.text(table, section, "in_need", false,
                               "a column of the [population] table counting the people in need, e.g. \"aged_65_plus\"");
    spec.from = reader.text(table, section, "from", true, "a date written YYYY-MM-DD, e.g. \"2025-04-01\"");
    spec.to = reader.text(table, section, "to", true, "a date written YYYY-MM-DD, e.g. \"2026-03-31\"");
    const std::string period = reader.text(table, section, "period", false, "'month' or 'quarter'");
    if (period.empty() || period == "month") spec.period = MonitoringPeriod::Month;
    else if (period == "quarter") spec.period = MonitoringPeriod::Quarter;
    else
        reader.fail("'period' in " + section + " is '" + period + "'" + core::did_you_mean(period, {"month", "quarter"}) +
                    "; expected 'month' or 'quarter' (three months from the month of 'from')");
    spec.threshold = reader.number(table, section, "threshold", 5.0);
    const std::string zeros = reader.text(table, section, "zeros", false, "'publish' or 'suppress'");
    if (!zeros.empty() && zeros != "publish" && zeros != "suppress")
        reader.fail("'zeros' in " + section + " is '" + zeros + "'; expected 'publish' or 'suppress'");
    spec.suppress_zeros = zeros == "suppress";
    if (table.get("suppress"))
        spec.suppress = text_list(reader, table, section, "suppress", "measures, e.g. [\"people_helped\", \"devices_lent\"]");
    const double draws = reader.number(table, section, "draws", 999);
    if (!(draws >= 0 && draws <= 100000) || draws != std::floor(draws))
        reader.fail("'draws' in " + section + " must be a whole number from 0 to 100000 (bootstrap draws)");
    spec.draws = static_cast<int>(draws);
    const double seed = reader.number(table, section, "seed", 0);
    if (!(seed >= 0.0 && seed <= 9007199254740992.0) || seed != std::floor(seed))
        reader.fail("'seed' in " + section + " must be a whole number from 0 to 2^53");
    spec.seed = static_cast<std::uint64_t>(seed);
    spec.level = reader.number(table, section, "level", 0.9);

    if (const toml::node* node = table.get("targets")) {
        const std::string where = "[monitoring.targets]";
        if (!node->is_table()) reader.fail("'targets' in " + section + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& targets = *node->as_table();
        reader.check_keys(targets, where,
                          {"wave_months", "people_helped_per_1000", "devices_lent_per_1000", "champions_per_area", "on_track"});
        MonitoringTargets t;  // absent targets stay NaN (none)
        t.wave_months = reader.number(targets, where, "wave_months", t.wave_months);
        t.people_helped_per_1000 = reader.number(targets, where, "people_helped_per_1000", t.people_helped_per_1000);
        t.devices_lent_per_1000 = reader.number(targets, where, "devices_lent_per_1000", t.devices_lent_per_1000);
        t.champions_per_area = reader.number(targets, where, "champions_per_area", t.champions_per_area);
        t.on_track = reader.number(targets, where, "on_track", t.on_track);
        spec.targets = t;
    }
    if (const toml::node* node = table.get("feedback")) {
        const std::string where = "[monitoring.feedback]";
        if (!node->is_table()) reader.fail("'feedback' in " + section + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& feedback = *node->as_table();
        reader.check_keys(feedback, where, {"champion_supply", "hub_supply", "device_supply"});
        if (!config.access) reader.fail(where + " feeds new support back into access: it needs [access]");
        MonitoringFeedback& f = spec.feedback;
        f.champion_supply = reader.number(feedback, where, "champion_supply", f.champion_supply);
        f.hub_supply = reader.number(feedback, where, "hub_supply", f.hub_supply);
        f.device_supply = reader.number(feedback, where, "device_supply", f.device_supply);
    }
    config.monitoring = std::move(spec);
    // The rules on the values are the door's (run/invariants.cpp), asked here too so that a
    // file's mistake is named when it is read.
    if (const std::string problem = monitoring_problem(config); !problem.empty()) reader.fail(problem);
}

}  // namespace furthest::run_detail
