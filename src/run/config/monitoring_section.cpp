// [monitoring]: the programme's activity log, its period, disclosure control and the bootstrap;
// [monitoring.targets], what the plan expected of each area wave; [monitoring.feedback], how much
// support each champion, hub and device adds when fed back into access.
#include "core/dates.hpp"
#include "core/text.hpp"
#include "run/config/sections.hpp"

#include <algorithm>
#include <cmath>

namespace furthest::run_detail {
namespace {

const std::vector<std::string> kMeasures = {"people_helped", "devices_lent", "champions_trained", "sessions", "hubs_opened"};

double non_negative(const Reader& reader, const toml::table& table, const std::string& section, const std::string& key,
                    double fallback, const std::string& what) {
    const double value = reader.number(table, section, key, fallback);
    if (!std::isnan(fallback) || table.get(key) != nullptr)
        if (!(value >= 0.0) || !std::isfinite(value))
            reader.fail("'" + key + "' in " + section + " must be a number >= 0 (" + what + ")");
    return value;
}

}  // namespace

void parse_monitoring_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("monitoring")) return;
    const std::string section = "[monitoring]";
    const auto& table = reader.section(root, "monitoring", false);
    reader.check_keys(table, section, {"path",     "layer",    "encoding", "partner", "date",  "kind",    "count",
                                       "postcode", "zone",     "in_need",  "from",    "to",    "period",  "threshold",
                                       "zeros",    "suppress", "draws",    "seed",    "level", "targets", "feedback"});
    if (config.partners.empty())
        reader.fail(section +
                    " counts what partners did: it needs [[partners]] (with an 'id' column the log's partner ids match)");
    if (!config.population) reader.fail(section + " counts reach per 1,000 residents: it needs [population]");
    for (std::size_t i = 0; i < config.partners.size(); ++i)
        if (config.partners[i].id.empty())
            reader.fail(section + " matches the log's partners by id, and [[partners]] #" + std::to_string(i + 1) + " ('" +
                        config.partners[i].name + "') has no 'id' column; give it one");
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
    if (!spec.postcode.empty() && !config.postcodes)
        reader.fail(section + " places residents by postcode (postcode = '" + spec.postcode +
                    "'): it needs a [postcodes] directory");
    for (auto* date : {&spec.from, &spec.to}) {
        const std::string key = date == &spec.from ? "from" : "to";
        *date = reader.text(table, section, key, true, "a date written YYYY-MM-DD, e.g. \"2025-04-01\"");
        if (date->size() != 10 || !core::day_number(*date, core::DateEnd::First))
            reader.fail("'" + key + "' in " + section + line_of_key(table, key) + " is '" + *date +
                        "'; expected a date written YYYY-MM-DD");
    }
    if (*core::day_number(spec.to, core::DateEnd::First) < *core::day_number(spec.from, core::DateEnd::First))
        reader.fail(section + " 'to' (" + spec.to + ") is before 'from' (" + spec.from + ")");
    const std::string period = reader.text(table, section, "period", false, "'month' or 'quarter'");
    if (period.empty() || period == "month") spec.period = MonitoringPeriod::Month;
    else if (period == "quarter") spec.period = MonitoringPeriod::Quarter;
    else
        reader.fail("'period' in " + section + " is '" + period + "'" + core::did_you_mean(period, {"month", "quarter"}) +
                    "; expected 'month' or 'quarter' (three months from the month of 'from')");
    spec.threshold = reader.number(table, section, "threshold", 5.0);
    if (!(spec.threshold >= 1.0) || !std::isfinite(spec.threshold))
        reader.fail("'threshold' in " + section +
                    " must be a number >= 1 (counts below it are suppressed; 5 in health statistics)");
    const std::string zeros = reader.text(table, section, "zeros", false, "'publish' or 'suppress'");
    if (!zeros.empty() && zeros != "publish" && zeros != "suppress")
        reader.fail("'zeros' in " + section + " is '" + zeros + "'; expected 'publish' or 'suppress'");
    spec.suppress_zeros = zeros == "suppress";
    if (table.get("suppress")) {
        spec.suppress = text_list(reader, table, section, "suppress", "measures, e.g. [\"people_helped\", \"devices_lent\"]");
        for (const auto& measure : spec.suppress)
            if (std::find(kMeasures.begin(), kMeasures.end(), measure) == kMeasures.end())
                reader.fail("'suppress' in " + section + " names '" + measure + "'" + core::did_you_mean(measure, kMeasures) +
                            "; expected some of people_helped, devices_lent, champions_trained, sessions, hubs_opened");
    }
    const double draws = reader.number(table, section, "draws", 999);
    if (!(draws >= 0 && draws <= 100000) || draws != std::floor(draws))
        reader.fail("'draws' in " + section + " must be a whole number from 0 to 100000 (bootstrap draws)");
    spec.draws = static_cast<int>(draws);
    const double seed = reader.number(table, section, "seed", 0);
    if (!(seed >= 0.0 && seed <= 9007199254740992.0) || seed != std::floor(seed))
        reader.fail("'seed' in " + section + " must be a whole number from 0 to 2^53");
    spec.seed = static_cast<std::uint64_t>(seed);
    spec.level = reader.number(table, section, "level", 0.9);
    if (!(spec.level > 0.0 && spec.level < 1.0)) reader.fail("'level' in " + section + " must lie in (0, 1), e.g. 0.9");

    if (const toml::node* node = table.get("targets")) {
        const std::string where = "[monitoring.targets]";
        if (!node->is_table()) reader.fail("'targets' in " + section + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& targets = *node->as_table();
        reader.check_keys(targets, where,
                          {"wave_months", "people_helped_per_1000", "devices_lent_per_1000", "champions_per_area", "on_track"});
        if (!config.rollout) reader.fail(where + " measures areas against their rollout wave: it needs [rollout]");
        MonitoringTargets t;
        t.wave_months = reader.number(targets, where, "wave_months", 6.0);
        if (!(t.wave_months >= 1.0 && t.wave_months <= 120.0))
            reader.fail("'wave_months' in " + where + " must be a number of months from 1 to 120");
        const double none = std::numeric_limits<double>::quiet_NaN();
        t.people_helped_per_1000 =
            non_negative(reader, targets, where, "people_helped_per_1000", none, "people per 1,000 residents");
        t.devices_lent_per_1000 =
            non_negative(reader, targets, where, "devices_lent_per_1000", none, "devices per 1,000 residents");
        t.champions_per_area = non_negative(reader, targets, where, "champions_per_area", none, "champions trained per area");
        if (std::isnan(t.people_helped_per_1000) && std::isnan(t.devices_lent_per_1000) && std::isnan(t.champions_per_area))
            reader.fail(where +
                        " sets no target; expected one or more of people_helped_per_1000, devices_lent_per_1000, "
                        "champions_per_area");
        t.on_track = reader.number(targets, where, "on_track", 0.8);
        if (!(t.on_track > 0.0 && t.on_track <= 1.0))
            reader.fail("'on_track' in " + where +
                        " must lie in (0, 1]: an area is behind plan below this share of its target to date");
        spec.targets = t;
    }
    if (const toml::node* node = table.get("feedback")) {
        const std::string where = "[monitoring.feedback]";
        if (!node->is_table()) reader.fail("'feedback' in " + section + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& feedback = *node->as_table();
        reader.check_keys(feedback, where, {"champion_supply", "hub_supply", "device_supply"});
        if (!config.access) reader.fail(where + " feeds new support back into access: it needs [access]");
        spec.feedback.champion_supply =
            non_negative(reader, feedback, where, "champion_supply", 1.0, "[access] supply units each champion trained adds");
        spec.feedback.hub_supply = non_negative(reader, feedback, where, "hub_supply", 1.0, "supply units each hub opened adds");
        spec.feedback.device_supply =
            non_negative(reader, feedback, where, "device_supply", 1.0, "supply units each device lent adds");
    }
    config.monitoring = std::move(spec);
}

}  // namespace furthest::run_detail
