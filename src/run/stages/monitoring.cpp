// Stage: programme monitoring. The activity log is read and checked (a data-quality table),
// each row placed: residents' reach in zones through their zone code or postcode, else shared
// over the partner's catchment; partners' own activity in their area. Reach is counted per zone,
// area and period, set against residents and need (the concentration index with a bootstrap
// interval, the top need decile's share), against the plan (each area wave's window and targets,
// areas behind plan named), fed back into access and the gap, and the next waves re-planned.
// Every published count of the measures under disclosure control goes through primary and
// secondary suppression, zones and areas as linked tables. Residents' postcodes never leave
// this file: messages and tables give row numbers only.
#include "furthest/monitoring.hpp"

#include "core/dates.hpp"
#include "core/ranking.hpp"
#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/gdal_session.hpp"
#include "io/number_parsing.hpp"
#include "io/readers.hpp"
#include "run/run_state.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace furthest::run_detail {
namespace {

constexpr const char* kStage = "monitoring reach";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The concentration index is published over at least this many times the threshold's people.
constexpr double kIndexFloor = 10.0;

// The measures, in one vocabulary for the config, the tables and the manifest. The first two
// count residents (placed in zones); the others count what partners did (placed in their area).
enum Measure { PeopleHelped, DevicesLent, ChampionsTrained, Sessions, HubsOpened, kMeasures };
constexpr std::array<const char*, kMeasures> kMeasureNames = {"people_helped", "devices_lent", "champions_trained", "sessions",
                                                              "hubs_opened"};
constexpr int kResidentMeasures = 2;

bool applies(const RunConfig& config, const RunOptions&) { return config.monitoring.has_value(); }

bool with_replan(const RunConfig& config) { return config.rollout.has_value() && config.access.has_value(); }

std::vector<TableInfo> tables(const RunConfig& config) {
    if (!config.monitoring) return {};
    std::vector<TableInfo> out = {
        {"activity_quality",
         "the activity log checked: rows read, rows left out and why (unknown partners or kinds, dates outside the period, "
         "counts that are not whole numbers), residents placed by zone code, postcode or partner catchment; row numbers only",
         kStage},
        {"reach",
         "per zone and period (and the zone's total): people helped and devices lent, to date, per 1,000 residents, how "
         "they were placed; counts under disclosure control are blank where suppressed",
         kStage},
        {"area_reach",
         "per partnership area and period (and totals, and all areas): people helped, devices lent, champions trained, "
         "sessions and hubs opened, to date, per 1,000 residents; suppressed counts blank",
         kStage},
    };
    if (config.monitoring->targets)
        out.push_back({"plan_progress",
                       "per area: its rollout wave, the wave's window, what the targets expected to date against what was done, "
                       "and whether it is on track or behind plan",
                       kStage});
    out.push_back({"equity",
                   "is reach going furthest first: the concentration index of reach by need (bootstrap interval), the top need "
                   "decile's share of reach against its share of residents, and each rollout wave's share of reach against its "
                   "share of residents and the plan's",
                   kStage});
    if (with_replan(config))
        out.push_back({"replan",
                       "per area: its planned wave and its wave re-planned on the support that exists now (champions, hubs and "
                       "devices added), with why it moved",
                       kStage});
    return out;
}

TableInfo info(const RunConfig& config, const std::string& name) {
    for (auto& table : tables(config))
        if (table.name == name) return table;
    throw std::logic_error("monitoring: no table '" + name + "' in the stage's catalogue");
}

std::vector<std::string> zone_columns(const RunConfig& config) {
    if (!config.monitoring) return {};
    std::vector<std::string> names = {"people_helped", "devices_lent", "people_helped_per_1000_residents",
                                      "devices_lent_per_1000_residents"};
    if (!config.monitoring->in_need.empty())
        for (const char* name : {"people_in_need", "people_helped_per_1000_in_need", "devices_lent_per_1000_in_need"})
            names.emplace_back(name);
    if (config.access) {
        names.emplace_back("support_now");
        names.emplace_back("gap_score_now");
        names.emplace_back("gap_class_now");
    }
    return names;
}

using core::fixed;

// Calendar from a day number (days since 1970-01-01; H. Hinnant's civil_from_days).
struct YearMonth {
    long year;
    int month;  // 1..12
};
YearMonth year_month(long days) {
    days += 719468;
    const long era = (days >= 0 ? days : days - 146096) / 146097;
    const long doe = days - era * 146097;
    const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long mp = (5 * doy + 2) / 153;
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2), month};
}
std::string month_label(long months) {  // months since year 0
    char text[32];  // room for any long year, so the compiler sees no truncation
    std::snprintf(text, sizeof text, "%04ld-%02d", months / 12, static_cast<int>(months % 12) + 1);
    return text;
}

// The programme's periods: months, or three-month blocks from the month of `from`.
struct Periods {
    long first_month = 0;  // months since year 0 of `from`
    int months_per_period = 1;
    std::vector<std::string> labels;
    long from_day = 0, to_day = 0;

    int of(long day) const {
        const YearMonth ym = year_month(day);
        return static_cast<int>((ym.year * 12 + ym.month - 1 - first_month) / months_per_period);
    }
    std::size_t size() const { return labels.size(); }
    /// Months from `from` to `to`, the last month counted in full.
    double months() const {
        const YearMonth last = year_month(to_day);
        return static_cast<double>(last.year * 12 + last.month - 1 - first_month + 1);
    }
};

// An area wave's window in months from `from` ([monitoring.targets]): the pilot (wave 0) and
// wave 1 start at once, wave k after k - 1 waves of `wave_months`.
struct WaveWindow {
    double start, end;
};
WaveWindow wave_window(int wave, double wave_months) {
    return {wave <= 1 ? 0.0 : (wave - 1) * wave_months, std::max(1, wave) * wave_months};
}

Periods make_periods(const MonitoringSpec& spec) {
    Periods p;
    p.from_day = *core::day_number(spec.from, core::DateEnd::First);
    p.to_day = *core::day_number(spec.to, core::DateEnd::First);
    p.months_per_period = spec.period == MonitoringPeriod::Quarter ? 3 : 1;
    const YearMonth a = year_month(p.from_day), b = year_month(p.to_day);
    p.first_month = a.year * 12 + a.month - 1;
    const long last = b.year * 12 + b.month - 1;
    for (long m = p.first_month; m <= last; m += p.months_per_period)
        p.labels.push_back(p.months_per_period == 1 ? month_label(m)
                                                    : month_label(m) + " to " + month_label(m + p.months_per_period - 1));
    return p;
}

// What the data-quality table counts, in its order.
enum Check {
    RowsRead,
    KindUnknown,
    DateUnreadable,
    DateOutside,
    CountBad,
    PartnerUnknown,
    ZoneUnknown,
    PostcodeUnplaced,
    ResidentOutside,
    PlacedByZone,
    PlacedByPostcode,
    PlacedByCatchment,
    PlacedInPartnerZone,
    NotPlaced,
    PartnerActivity,
    kChecks
};
struct CheckText {
    const char* name;
    const char* done;
};
constexpr std::array<CheckText, kChecks> kCheckText = {{
    {"rows read", "every row of the log"},
    {"kind not recognised", "left out; expected Person helped, Device lent, Champion trained, Session or Hub opened"},
    {"date blank or unreadable", "left out; expected YYYY-MM-DD, YYYY/MM/DD, YYYY-MM or DD/MM/YYYY (or a spreadsheet date)"},
    {"date outside the period", "left out; the programme period is [monitoring] from .. to"},
    {"count blank or not a whole number >= 0", "left out"},
    {"partner not among the run's partners",
     "left out: an id no [[partners]] table has, or a partner not active on [access] as_of"},
    {"resident zone code unknown", "placed by postcode or the partner's catchment instead"},
    {"resident postcode does not place", "placed by the partner's catchment instead: malformed, unknown or without coordinates"},
    {"resident lives outside the zones", "counted here, not in any zone (placed by postcode outside the study area)"},
    {"residents placed by zone code", "counted in that zone"},
    {"residents placed by postcode", "counted in the zone holding the postcode; the postcode is not kept"},
    {"residents placed by the partner's catchment", "shared over the zones the partner reaches, by residents and distance decay"},
    {"residents placed in the partner's own zone", "the partner reaches no zone's origin within the catchment"},
    {"residents not placed", "left out: no zone code or postcode, and the partner lies in no zone"},
    {"partner activity (champions, sessions, hubs)", "counted in the partner's area"},
}};

struct Quality {
    std::array<long long, kChecks> rows{};
    std::array<double, kChecks> units{};
    std::array<std::vector<std::string>, kChecks> examples;
    void add(Check check, std::size_t row, double units_) {
        ++rows[check];
        units[check] += std::isnan(units_) ? 0.0 : units_;
        if (check != RowsRead && examples[check].size() < 10) examples[check].push_back(std::to_string(row + 1));
    }
};

int measure_of(const std::string& kind) {
    const std::string s = core::slug(kind);
    static const std::map<std::string, int> known = {{"person_helped", PeopleHelped},
                                                     {"people_helped", PeopleHelped},
                                                     {"persons_helped", PeopleHelped},
                                                     {"device_lent", DevicesLent},
                                                     {"devices_lent", DevicesLent},
                                                     {"device_loaned", DevicesLent},
                                                     {"champion_trained", ChampionsTrained},
                                                     {"champions_trained", ChampionsTrained},
                                                     {"session", Sessions},
                                                     {"sessions", Sessions},
                                                     {"hub_opened", HubsOpened},
                                                     {"hubs_opened", HubsOpened}};
    const auto it = known.find(s);
    return it == known.end() ? -1 : it->second;
}

// Published values of a measure: the counts as given, with NaN where suppressed, and why.
struct Published {
    Eigen::MatrixXd values;  // rows x (periods + 1 total); with margins, a bottom row of totals
    Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic> status;
};

Published as_published(const Eigen::MatrixXd& counts) {
    // Not under disclosure control: the counts with their margins.
    Published out;
    const auto r = counts.rows(), c = counts.cols();
    out.values = Eigen::MatrixXd::Zero(r + 1, c + 1);
    out.values.topLeftCorner(r, c) = counts;
    out.values.topRightCorner(r, 1) = counts.rowwise().sum();
    out.values.bottomLeftCorner(1, c) = counts.colwise().sum();
    out.values(r, c) = counts.sum();
    out.status = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(r + 1, c + 1);
    return out;
}

Published from_table(const SuppressedTable& t) { return {t.values, t.status}; }

// The count to date (cumulative) at a row and period, from published counts only: blank from the
// first suppressed period on, so it adds nothing to what the table already gives. The total's is
// the total.
double to_date(const Published& pub, Eigen::Index row, Eigen::Index period, Eigen::Index periods) {
    if (period >= periods) return pub.values(row, periods);
    double sum = 0.0;
    for (Eigen::Index t = 0; t <= period; ++t) sum += pub.values(row, t);  // NaN stays NaN
    return sum;
}


struct LogCounts {
    // Residents' measures: zones x periods; and per zone x period, how they were placed (bits).
    std::array<Eigen::MatrixXd, kResidentMeasures> zone;
    std::vector<std::uint8_t> placed_by;  // zones x periods, bit 0 zone code, 1 postcode, 2 catchment, 3 partner's zone
    double outside = 0.0;                 // residents placed outside the zones
    // Every measure by partner x period.
    std::array<Eigen::MatrixXd, kMeasures> partner;
};

// The log read and placed.
LogCounts read_log(RunState& state, const Periods& periods, Quality& quality) {
    const RunConfig& config = state.config;
    const MonitoringSpec& spec = *config.monitoring;
    const ZoneSet& zones = need(state.zones, "zones");
    const PartnerSet& partners = need(state.partners, "partners");
    const Eigen::VectorXd& people = need(state.people, "people").count;
    const auto nz = static_cast<Eigen::Index>(zones.ids.size());
    const auto np = static_cast<Eigen::Index>(partners.id.size());
    const auto nt = static_cast<Eigen::Index>(periods.size());
    const std::string role = "activity log";
    const Layer& log = state.tables.get(role, spec.path, spec.layer, role, spec.encoding);
    const Column& partner = io::require_column(log, role, spec.path, spec.partner);
    const Column& date = io::require_column(log, role, spec.path, spec.date);
    const Column& kind = io::require_column(log, role, spec.path, spec.kind);
    const Column* count = spec.count.empty() ? nullptr : &io::require_column(log, role, spec.path, spec.count);
    const Column* zone = spec.zone.empty() ? nullptr : &io::require_column(log, role, spec.path, spec.zone);
    const Column* postcode = spec.postcode.empty() ? nullptr : &io::require_column(log, role, spec.path, spec.postcode);
    if (log.rows() == 0)
        throw InputError(role + ": '" + spec.path.string() + "' has no rows; expected one row per event or month");

    std::unordered_map<std::string, Eigen::Index> partner_of, zone_of;
    for (Eigen::Index p = 0; p < np; ++p) partner_of.emplace(partners.id[static_cast<std::size_t>(p)], p);
    for (Eigen::Index z = 0; z < nz; ++z) zone_of.emplace(zones.ids[static_cast<std::size_t>(z)], z);

    // Each partner's catchment: the zones it reaches, weighted by residents and the decay.
    std::vector<std::vector<std::pair<Eigen::Index, double>>> catchment(static_cast<std::size_t>(np));
    if (state.access) {
        const auto& costs = state.access->matrix.costs();
        for (Eigen::Index z = 0; z < costs.outerSize(); ++z)
            for (InteractionMatrix::Sparse::InnerIterator it(costs, z); it; ++it) {
                const double w = people(z) * state.access->decay(it.value());
                if (w > 0.0) catchment[static_cast<std::size_t>(it.col())].emplace_back(z, w);
            }
        for (auto& zones_reached : catchment) {
            double total = 0.0;
            for (const auto& [z, w] : zones_reached) total += w;
            for (auto& entry : zones_reached) entry.second /= total;
        }
    }

    // Postcodes, looked up once: each row's zone (-1 outside, -2 not placed).
    std::vector<Eigen::Index> postcode_zone(log.rows(), -2);
    if (postcode != nullptr) {
        const PostcodeDirectory& directory = state.tables.postcodes(*config.postcodes);
        Layer points;
        Column::Reals px, py;
        std::vector<std::size_t> rows;
        for (std::size_t row = 0; row < log.rows(); ++row) {
            if (!postcode->is_valid(row)) continue;
            const PostcodeDirectory::Match match = directory.find(io::key_text(*postcode, row));
            if (match.status != PostcodeDirectory::Status::Found) continue;
            rows.push_back(row);
            px.push_back(match.x);
            py.push_back(match.y);
        }
        if (!rows.empty()) {
            points.columns.push_back(Column::reals("x", std::move(px)));
            points.columns.push_back(Column::reals("y", std::move(py)));
            const PostcodesSpec& directory_spec = *config.postcodes;
            points = io::points_from_columns(std::move(points), "postcode directory", directory_spec.path, "x", "y",
                                             io::spatial_reference(directory_spec.crs, "[postcodes] crs"), state.working_crs);
            const auto owner = locate_points(points.wkb, zones.layer->wkb, config.threads, state.control);
            for (std::size_t i = 0; i < rows.size(); ++i) postcode_zone[rows[i]] = owner[i];
        }
    }

    LogCounts counts;
    for (auto& m : counts.zone) m = Eigen::MatrixXd::Zero(nz, nt);
    for (auto& m : counts.partner) m = Eigen::MatrixXd::Zero(np, nt);
    counts.placed_by.assign(static_cast<std::size_t>(nz * nt), 0);
    std::array<Eigen::MatrixXd, kResidentMeasures> by_catchment;  // partner x period
    for (auto& m : by_catchment) m = Eigen::MatrixXd::Zero(np, nt);
    for (std::size_t row = 0; row < log.rows(); ++row) {
        if (row % 4096 == 0) state.control.check(kStage);
        quality.add(RowsRead, row, kNaN);
        double units = 1.0;
        if (count != nullptr) {
            const std::string text = count->is_valid(row) ? io::key_text(*count, row) : std::string();
            double value = kNaN;
            if (io::parse_number(text, value) != io::ParsedNumber::Value || !(value >= 0.0) || value != std::floor(value)) {
                quality.add(CountBad, row, kNaN);
                continue;
            }
            units = value;
        }
        const int measure = measure_of(kind.is_valid(row) ? io::key_text(kind, row) : std::string());
        if (measure < 0) {
            quality.add(KindUnknown, row, units);
            continue;
        }
        const std::string date_text = date.is_valid(row) ? io::key_text(date, row) : std::string();
        const auto day = date_text.empty() ? std::nullopt : core::day_number(date_text, core::DateEnd::First);
        if (!day) {
            quality.add(DateUnreadable, row, units);
            continue;
        }
        if (*day < periods.from_day || *day > periods.to_day) {
            quality.add(DateOutside, row, units);
            continue;
        }
        const auto found = partner_of.find(partner.is_valid(row) ? io::key_text(partner, row) : std::string());
        if (found == partner_of.end()) {
            quality.add(PartnerUnknown, row, units);
            continue;
        }
        const Eigen::Index p = found->second;
        const Eigen::Index t = periods.of(*day);
        counts.partner[static_cast<std::size_t>(measure)](p, t) += units;
        if (measure >= kResidentMeasures) {
            quality.add(PartnerActivity, row, units);
            continue;
        }
        auto& cells = counts.zone[static_cast<std::size_t>(measure)];
        auto place = [&](Eigen::Index z, int bit) {
            cells(z, t) += units;
            counts.placed_by[static_cast<std::size_t>(z * nt + t)] |= static_cast<std::uint8_t>(1u << bit);
        };
        if (zone != nullptr && zone->is_valid(row) && !io::key_text(*zone, row).empty()) {
            const auto z = zone_of.find(io::key_text(*zone, row));
            if (z != zone_of.end()) {
                place(z->second, 0);
                quality.add(PlacedByZone, row, units);
                continue;
            }
            quality.add(ZoneUnknown, row, units);
        }
        if (postcode != nullptr && postcode->is_valid(row) && !io::key_text(*postcode, row).empty()) {
            const Eigen::Index z = postcode_zone[row];
            if (z >= 0) {
                place(z, 1);
                quality.add(PlacedByPostcode, row, units);
                continue;
            }
            if (z == -1) {
                counts.outside += units;
                quality.add(ResidentOutside, row, units);
                continue;
            }
            quality.add(PostcodeUnplaced, row, units);
        }
        if (!catchment[static_cast<std::size_t>(p)].empty()) {
            // Shared once per partner and period, below, so that counts stay whole people.
            by_catchment[static_cast<std::size_t>(measure)](p, t) += units;
            quality.add(PlacedByCatchment, row, units);
        } else if (partners.zone[static_cast<std::size_t>(p)] >= 0) {
            place(partners.zone[static_cast<std::size_t>(p)], 3);
            quality.add(PlacedInPartnerZone, row, units);
        } else {
            quality.add(NotPlaced, row, units);
        }
    }
    // Each partner's residents of a period shared over its catchment in whole people: the
    // largest remainder (Hamilton) of units x share, ties to the zone listed first.
    std::vector<std::pair<double, Eigen::Index>> remainders;
    for (int m = 0; m < kResidentMeasures; ++m)
        for (Eigen::Index p = 0; p < np; ++p)
            for (Eigen::Index t = 0; t < nt; ++t) {
                const double units = by_catchment[static_cast<std::size_t>(m)](p, t);
                if (units <= 0.0) continue;
                const auto& reached = catchment[static_cast<std::size_t>(p)];
                remainders.clear();
                double given = 0.0;
                for (const auto& [z, share] : reached) {
                    const double whole = std::floor(units * share);
                    if (whole > 0.0) {
                        counts.zone[static_cast<std::size_t>(m)](z, t) += whole;
                        counts.placed_by[static_cast<std::size_t>(z * nt + t)] |= 1u << 2;
                    }
                    given += whole;
                    remainders.emplace_back(units * share - whole, z);
                }
                std::stable_sort(remainders.begin(), remainders.end(),
                                 [](const auto& a, const auto& b) { return a.first > b.first; });
                for (std::size_t i = 0; given < units && i < remainders.size(); ++i, given += 1.0) {
                    const Eigen::Index z = remainders[i].second;
                    counts.zone[static_cast<std::size_t>(m)](z, t) += 1.0;
                    counts.placed_by[static_cast<std::size_t>(z * nt + t)] |= 1u << 2;
                }
            }
    return counts;
}

// The per-measure columns of `reach` and `area_reach`, in one order: the counts, the counts to
// date, per 1,000 residents and, with [monitoring] in_need, per 1,000 in need (rates only for the
// residents' measures).
template <std::size_t N>
void add_measure_columns(Layer& table, std::array<Column::Reals, N>& count, std::array<Column::Reals, N>& to_date_,
                         std::array<Column::Reals, kResidentMeasures>& per_residents,
                         std::array<Column::Reals, kResidentMeasures>& per_in_need, bool by_need) {
    auto add = [&](std::size_t m, const char* suffix, Column::Reals& values) {
        OutputCatalogue::add_column(table, Column::reals(std::string(kMeasureNames[m]) + suffix, std::move(values)));
    };
    for (std::size_t m = 0; m < N; ++m) add(m, "", count[m]);
    for (std::size_t m = 0; m < N; ++m) add(m, "_to_date", to_date_[m]);
    constexpr auto residents = static_cast<std::size_t>(kResidentMeasures);
    for (std::size_t m = 0; m < residents; ++m) add(m, "_per_1000_residents", per_residents[m]);
    if (by_need)
        for (std::size_t m = 0; m < residents; ++m) add(m, "_per_1000_in_need", per_in_need[m]);
}

std::string placed_words(std::uint8_t bits) {
    static const std::array<const char*, 4> words = {"zone code", "postcode", "partner catchment", "partner's zone"};
    std::string out;
    for (int b = 0; b < 4; ++b)
        if (bits & (1u << b)) out += (out.empty() ? "" : ", ") + std::string(words[static_cast<std::size_t>(b)]);
    return out;
}

// Counts a manifest may give: below the threshold it says so instead.
nlohmann::ordered_json safe_count(double value, double threshold) {
    if (value > 0.0 && value < threshold) return "fewer than " + fixed(threshold, 0);
    return std::round(value * 10.0) / 10.0;
}

// Shares published to whole percentage points, blank when the count behind them is below the
// threshold, or when the total is so small (under 100 x threshold) that a percentage point is
// fewer people than the threshold.
double published_share(double part, double whole, double threshold) {
    if (whole > 0.0 && part == whole) return 1.0;
    if (!(whole >= 100.0 * threshold)) return kNaN;
    if (part > 0.0 && part < threshold) return kNaN;
    return std::round(100.0 * part / whole) / 100.0;
}

void monitor(RunState& state) {
    const RunConfig& config = state.config;
    const MonitoringSpec& spec = *config.monitoring;
    const ZoneSet& zones = need(state.zones, "zones");
    const AreaSet& areas = need(state.areas, "areas");
    const ScoringResult& scored = need(state.scores, "scores");
    const PartnerSet& partners = need(state.partners, "partners");
    const Eigen::VectorXd& people = need(state.people, "people").count;
    const Periods periods = make_periods(spec);
    const auto nz = static_cast<Eigen::Index>(zones.ids.size());
    const auto nt = static_cast<Eigen::Index>(periods.size());
    const std::size_t na = areas.ids.size();

    state.control.report(kStage, 0.0);
    Quality quality;
    const LogCounts counts = read_log(state, periods, quality);
    // People in need per zone ([monitoring] in_need, a [population] table column), for rates per
    // 1,000 of them beside the rates per 1,000 residents.
    const bool by_need = !spec.in_need.empty();
    Eigen::VectorXd in_need = Eigen::VectorXd::Constant(nz, kNaN);
    if (by_need) {
        IndicatorSpec need_spec = config.population->count;
        need_spec.column = spec.in_need;
        need_spec.name = "people in need";
        in_need = join_indicator(need_spec, zones, state.tables, config, state.working_crs, state.facts, state.reports);
        state.facts.indicator_notes.pop_back();
    }
    auto per_1000 = [](double count, double of) { return of > 0.0 && !std::isnan(count) ? 1000.0 * count / of : kNaN; };

    // Groups for the linked tables: the areas, then one for zones (and partners) in none.
    const std::vector<Eigen::Index> zone_area = areas.zone_to_area.main_target();
    bool any_outside = std::any_of(zone_area.begin(), zone_area.end(), [](Eigen::Index a) { return a < 0; });
    any_outside = any_outside || std::any_of(partners.area.begin(), partners.area.end(), [](Eigen::Index a) { return a < 0; });
    const std::size_t ng = na + (any_outside ? 1 : 0);
    auto group_of = [&](Eigen::Index area) {
        return area >= 0 ? static_cast<std::int64_t>(area) : static_cast<std::int64_t>(na);
    };
    std::vector<std::int64_t> zone_group(static_cast<std::size_t>(nz));
    for (Eigen::Index z = 0; z < nz; ++z)
        zone_group[static_cast<std::size_t>(z)] = group_of(zone_area[static_cast<std::size_t>(z)]);

    DisclosureOptions disclosure;
    disclosure.threshold = spec.threshold;
    disclosure.zeros = spec.suppress_zeros ? ZeroCells::Suppress : ZeroCells::Publish;
    auto controlled = [&](int m) {
        return std::find(spec.suppress.begin(), spec.suppress.end(), kMeasureNames[static_cast<std::size_t>(m)]) !=
               spec.suppress.end();
    };

    // Per measure: zone counts (residents' measures), group counts, and both as published.
    std::array<Eigen::MatrixXd, kMeasures> group_counts;
    std::array<Published, kMeasures> zone_published, group_published;
    nlohmann::ordered_json suppression = nlohmann::ordered_json::array();
    for (int m = 0; m < kMeasures; ++m) {
        state.control.check(kStage);
        Eigen::MatrixXd& g = group_counts[static_cast<std::size_t>(m)];
        g = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(ng), nt);
        if (m < kResidentMeasures) {
            const Eigen::MatrixXd& zc = counts.zone[static_cast<std::size_t>(m)];
            for (Eigen::Index z = 0; z < nz; ++z) g.row(zone_group[static_cast<std::size_t>(z)]) += zc.row(z);
            if (controlled(m)) {
                const NestedTables t = suppress_nested(zc, zone_group, static_cast<std::int64_t>(ng), disclosure, state.control);
                zone_published[static_cast<std::size_t>(m)] = from_table(t.zones);
                group_published[static_cast<std::size_t>(m)] = from_table(t.areas);
                suppression.push_back({{"measure", kMeasureNames[static_cast<std::size_t>(m)]},
                                       {"tables", {"reach", "area_reach", "zones"}},
                                       {"zone_cells_below_threshold", t.zones.primary_cells},
                                       {"zone_cells_protecting_others", t.zones.secondary_cells},
                                       {"zone_totals_suppressed", t.zones.primary_margins + t.zones.secondary_margins},
                                       {"area_cells_below_threshold", t.areas.primary_cells},
                                       {"area_cells_protecting_others", t.areas.secondary_cells},
                                       {"area_totals_suppressed", t.areas.primary_margins + t.areas.secondary_margins},
                                       {"linked_cells", t.zones.linked_cells + t.areas.linked_cells},
                                       {"linked_totals", t.zones.linked_margins + t.areas.linked_margins},
                                       {"rounds", t.rounds}});
            } else {
                zone_published[static_cast<std::size_t>(m)] = as_published(zc);
                group_published[static_cast<std::size_t>(m)] = as_published(g);
            }
        } else {
            const Eigen::MatrixXd& pc = counts.partner[static_cast<std::size_t>(m)];
            for (std::size_t p = 0; p < partners.area.size(); ++p)
                g.row(group_of(partners.area[p])) += pc.row(static_cast<Eigen::Index>(p));
            if (controlled(m)) {
                const SuppressedTable t = suppress_counts(g, disclosure);
                group_published[static_cast<std::size_t>(m)] = from_table(t);
                suppression.push_back({{"measure", kMeasureNames[static_cast<std::size_t>(m)]},
                                       {"tables", {"area_reach"}},
                                       {"area_cells_below_threshold", t.primary_cells},
                                       {"area_cells_protecting_others", t.secondary_cells},
                                       {"area_totals_suppressed", t.primary_margins + t.secondary_margins}});
            } else {
                group_published[static_cast<std::size_t>(m)] = as_published(g);
            }
        }
    }

    // The data-quality table.
    {
        Layer& table = state.outputs.add(info(config, "activity_quality"));
        Column::Texts check, done, examples;
        Column::Integers rows;
        Column::Reals units;
        for (int c = 0; c < kChecks; ++c) {
            if (c != RowsRead && quality.rows[static_cast<std::size_t>(c)] == 0) continue;
            check.emplace_back(kCheckText[static_cast<std::size_t>(c)].name);
            done.emplace_back(kCheckText[static_cast<std::size_t>(c)].done);
            rows.push_back(quality.rows[static_cast<std::size_t>(c)]);
            units.push_back(c == RowsRead ? kNaN : quality.units[static_cast<std::size_t>(c)]);
            const auto& ex = quality.examples[static_cast<std::size_t>(c)];
            std::string text;
            for (const auto& r : ex) text += (text.empty() ? "row " : ", ") + r;
            if (c != RowsRead && quality.rows[static_cast<std::size_t>(c)] > static_cast<long long>(ex.size())) text += " ...";
            examples.push_back(text);
        }
        OutputCatalogue::add_column(table, Column::texts("check", std::move(check)));
        OutputCatalogue::add_column(table, Column::integers("rows", std::move(rows)));
        OutputCatalogue::add_column(table, Column::reals("count", std::move(units)));
        OutputCatalogue::add_column(table, Column::texts("what_was_done", std::move(done)));
        OutputCatalogue::add_column(table, Column::texts("example_rows", std::move(examples)));
        const std::string at = "activity log: '" + spec.path.string() + "'";
        for (Check c :
             {KindUnknown, DateUnreadable, DateOutside, CountBad, PartnerUnknown, ZoneUnknown, PostcodeUnplaced, NotPlaced})
            if (quality.rows[c] > 0) {
                std::vector<std::string> ids;
                for (const auto& r : quality.examples[c]) ids.push_back("row " + r);
                state.reports.warn("activity_" + core::slug(kCheckText[c].name),
                                   at + ": " + count_of(static_cast<std::size_t>(quality.rows[c]), "row") + ", " +
                                       kCheckText[c].name + " (" + kCheckText[c].done + "): " + list_some(ids),
                                   ids);
            }
    }

    // The reach table: zones in order, each period then the zone's total.
    {
        Layer& table = state.outputs.add(info(config, "reach"));
        Column::Texts zone_id, area_id, period, placed, why;
        std::vector<bool> area_valid;
        std::array<Column::Reals, kResidentMeasures> value, rate, so_far, need_rate;
        for (Eigen::Index z = 0; z < nz; ++z)
            for (Eigen::Index t = 0; t <= nt; ++t) {
                zone_id.push_back(zones.ids[static_cast<std::size_t>(z)]);
                const Eigen::Index a = zone_area[static_cast<std::size_t>(z)];
                area_id.push_back(a >= 0 ? areas.ids[static_cast<std::size_t>(a)] : std::string());
                area_valid.push_back(a >= 0);
                period.push_back(t < nt ? periods.labels[static_cast<std::size_t>(t)] : "total");
                std::uint8_t bits = 0;
                if (t < nt) bits = counts.placed_by[static_cast<std::size_t>(z * nt + t)];
                else
                    for (Eigen::Index s = 0; s < nt; ++s) bits |= counts.placed_by[static_cast<std::size_t>(z * nt + s)];
                std::string reasons;
                for (int m = 0; m < kResidentMeasures; ++m) {
                    const Published& pub = zone_published[static_cast<std::size_t>(m)];
                    const double v = pub.values(z, t);
                    value[static_cast<std::size_t>(m)].push_back(v);
                    so_far[static_cast<std::size_t>(m)].push_back(to_date(pub, z, t, nt));
                    need_rate[static_cast<std::size_t>(m)].push_back(per_1000(v, in_need(z)));
                    rate[static_cast<std::size_t>(m)].push_back(people(z) > 0 && !std::isnan(v) ? 1000.0 * v / people(z) : kNaN);
                    if (pub.status(z, t) != 0)
                        reasons += (reasons.empty() ? "" : ", ") + std::string(kMeasureNames[static_cast<std::size_t>(m)]);
                }
                // How a row's residents were placed says whether it has any: not given where a
                // count is suppressed (a suppressed zero would show).
                placed.push_back(reasons.empty() ? placed_words(bits) : std::string("(suppressed)"));
                why.push_back(reasons);
            }
        OutputCatalogue::add_column(table, Column::texts("zone_id", std::move(zone_id)));
        OutputCatalogue::add_column(table, Column::texts("area_id", std::move(area_id), std::move(area_valid)));
        OutputCatalogue::add_column(table, Column::texts("period", std::move(period)));
        add_measure_columns(table, value, so_far, rate, need_rate, by_need);
        OutputCatalogue::add_column(table, Column::texts("placed_by", std::move(placed)));
        OutputCatalogue::add_column(table, Column::texts("suppressed", std::move(why)));
    }

    // The zones layer: each zone's totals as published in the reach table.
    {
        Layer& zone_table = *zones.layer;
        for (int m = 0; m < kResidentMeasures; ++m) {
            const Published& pub = zone_published[static_cast<std::size_t>(m)];
            Column::Reals total(static_cast<std::size_t>(nz)), rate(static_cast<std::size_t>(nz));
            for (Eigen::Index z = 0; z < nz; ++z) {
                total[static_cast<std::size_t>(z)] = pub.values(z, nt);
                rate[static_cast<std::size_t>(z)] = people(z) > 0 ? 1000.0 * pub.values(z, nt) / people(z) : kNaN;
            }
            OutputCatalogue::add_column(zone_table, Column::reals(kMeasureNames[static_cast<std::size_t>(m)], std::move(total)));
            OutputCatalogue::add_column(
                zone_table,
                Column::reals(std::string(kMeasureNames[static_cast<std::size_t>(m)]) + "_per_1000_residents", std::move(rate)));
        }
        if (by_need) {
            OutputCatalogue::add_column(zone_table,
                                        Column::reals("people_in_need", Column::Reals(in_need.data(), in_need.data() + nz)));
            for (int m = 0; m < kResidentMeasures; ++m) {
                Column::Reals rate(static_cast<std::size_t>(nz));
                for (Eigen::Index z = 0; z < nz; ++z)
                    rate[static_cast<std::size_t>(z)] =
                        per_1000(zone_published[static_cast<std::size_t>(m)].values(z, nt), in_need(z));
                OutputCatalogue::add_column(
                    zone_table, Column::reals(std::string(kMeasureNames[static_cast<std::size_t>(m)]) + "_per_1000_in_need",
                                              std::move(rate)));
            }
        }
    }

    // Residents per group, for the area rates.
    Eigen::VectorXd group_people = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(ng));
    Eigen::VectorXd group_need = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(ng));  // NaN when a zone's is blank
    for (Eigen::Index z = 0; z < nz; ++z) {
        group_people(zone_group[static_cast<std::size_t>(z)]) += people(z);
        group_need(zone_group[static_cast<std::size_t>(z)]) += in_need(z);
    }

    // The area_reach table: areas (then zones in none), each period then the total; then all areas.
    {
        Layer& table = state.outputs.add(info(config, "area_reach"));
        Column::Texts area_id, scope, period, why;
        std::vector<bool> area_valid;
        std::array<Column::Reals, kMeasures> value, so_far;
        std::array<Column::Reals, kResidentMeasures> rate, need_rate;
        for (std::size_t g = 0; g <= ng; ++g)
            for (Eigen::Index t = 0; t <= nt; ++t) {
                const bool all = g == ng;
                area_id.push_back(g < na ? areas.ids[g] : std::string());
                area_valid.push_back(g < na);
                scope.push_back(all ? "all areas" : g < na ? "area" : "no area");
                period.push_back(t < nt ? periods.labels[static_cast<std::size_t>(t)] : "total");
                const double residents = all ? group_people.sum() : group_people(static_cast<Eigen::Index>(g));
                const double needing = all ? group_need.sum() : group_need(static_cast<Eigen::Index>(g));
                std::string reasons;
                for (int m = 0; m < kMeasures; ++m) {
                    const Published& pub = group_published[static_cast<std::size_t>(m)];
                    const double v = pub.values(static_cast<Eigen::Index>(g), t);
                    value[static_cast<std::size_t>(m)].push_back(v);
                    so_far[static_cast<std::size_t>(m)].push_back(to_date(pub, static_cast<Eigen::Index>(g), t, nt));
                    if (m < kResidentMeasures) {
                        rate[static_cast<std::size_t>(m)].push_back(per_1000(v, residents));
                        need_rate[static_cast<std::size_t>(m)].push_back(per_1000(v, needing));
                    }
                    if (pub.status(static_cast<Eigen::Index>(g), t) != 0)
                        reasons += (reasons.empty() ? "" : ", ") + std::string(kMeasureNames[static_cast<std::size_t>(m)]);
                }
                why.push_back(reasons);
            }
        OutputCatalogue::add_column(table, Column::texts("area_id", std::move(area_id), std::move(area_valid)));
        OutputCatalogue::add_column(table, Column::texts("scope", std::move(scope)));
        OutputCatalogue::add_column(table, Column::texts("period", std::move(period)));
        add_measure_columns(table, value, so_far, rate, need_rate, by_need);
        OutputCatalogue::add_column(table, Column::texts("suppressed", std::move(why)));
    }

    // Plan against actual: each area's wave window and what its targets expected to date.
    const RolloutSet* plan = state.rollout ? &*state.rollout : nullptr;
    std::vector<std::vector<std::string>> behind_in_wave;
    std::vector<double> expected_people(na, kNaN);
    nlohmann::ordered_json progress_json;
    if (spec.targets && plan != nullptr) {
        const MonitoringTargets& target = *spec.targets;
        Layer& table = state.outputs.add(info(config, "plan_progress"));
        Column::Texts area_id, window, status, reason;
        Column::Integers wave;
        Column::Reals elapsed, ph, ph_expected, dl, dl_expected, ch, ch_expected;
        const double months_done = periods.months();
        int max_wave = 0;
        for (int w : plan->plan.area_wave) max_wave = std::max(max_wave, w);
        behind_in_wave.assign(static_cast<std::size_t>(max_wave + 1), {});
        long long on_track = 0, behind_count = 0, not_started = 0;
        for (std::size_t a = 0; a < na; ++a) {
            const int w = plan->plan.area_wave[a];
            if (w < 0) continue;
            const auto [start, end] = wave_window(w, target.wave_months);
            const double share = std::clamp((months_done - start) / (end - start), 0.0, 1.0);
            area_id.push_back(areas.ids[a]);
            wave.push_back(w);
            window.push_back(month_label(periods.first_month + static_cast<long>(start)) + " to " +
                             month_label(periods.first_month + static_cast<long>(end) - 1));
            elapsed.push_back(share);
            const auto g = static_cast<Eigen::Index>(a);
            const double residents = group_people(g);
            auto pub_total = [&](int m) { return group_published[static_cast<std::size_t>(m)].values(g, nt); };
            auto true_total = [&](int m) { return group_counts[static_cast<std::size_t>(m)].row(g).sum(); };
            const double e_ph = std::round(target.people_helped_per_1000 * residents / 1000.0 * share);
            const double e_dl = std::round(target.devices_lent_per_1000 * residents / 1000.0 * share);
            const double e_ch = std::round(target.champions_per_area * share);
            expected_people[a] = e_ph;
            ph.push_back(pub_total(PeopleHelped));
            ph_expected.push_back(e_ph);
            dl.push_back(pub_total(DevicesLent));
            dl_expected.push_back(e_dl);
            ch.push_back(pub_total(ChampionsTrained));
            ch_expected.push_back(e_ch);
            std::vector<std::string> short_of;
            auto check = [&](int m, double expected, const char* words) {
                if (std::isnan(expected) || expected <= 0.0) return;
                const double done = true_total(m);
                if (done >= target.on_track * expected) return;
                // The reason quotes the count as published: a suppressed one is not given away as a percentage.
                const double shown = pub_total(m);
                short_of.push_back(std::string(words) + " " +
                                   (std::isnan(shown) ? std::string("suppressed (a small count)")
                                                      : "at " + fixed(100.0 * shown / expected, 0) + "%") +
                                   " of the " + fixed(expected, 0) + " expected to date");
            };
            check(PeopleHelped, e_ph, "people helped");
            check(DevicesLent, e_dl, "devices lent");
            check(ChampionsTrained, e_ch, "champions trained");
            if (share <= 0.0 && true_total(PeopleHelped) + true_total(DevicesLent) + true_total(ChampionsTrained) > 0.0) {
                status.emplace_back("started early");
                reason.push_back("wave " + std::to_string(w) + " starts " +
                                 month_label(periods.first_month + static_cast<long>(start)) + "; activity is already logged");
            } else if (share <= 0.0) {
                status.emplace_back("not started");
                reason.push_back("wave " + std::to_string(w) + " starts " +
                                 month_label(periods.first_month + static_cast<long>(start)));
                ++not_started;
            } else if (!short_of.empty()) {
                status.emplace_back("behind plan");
                std::string text;
                for (const auto& s : short_of) text += (text.empty() ? "" : "; ") + s;
                reason.push_back(text);
                behind_in_wave[static_cast<std::size_t>(w)].push_back(
                    areas.names.empty() || areas.names[a].empty() ? areas.ids[a] : areas.names[a]);
                ++behind_count;
            } else {
                status.emplace_back("on track");
                reason.push_back("at or above " + fixed(100.0 * target.on_track, 0) + "% of every target to date");
                ++on_track;
            }
        }
        OutputCatalogue::add_column(table, Column::texts("area_id", std::move(area_id)));
        OutputCatalogue::add_column(table, Column::integers("area_wave", std::move(wave)));
        OutputCatalogue::add_column(table, Column::texts("wave_window", std::move(window)));
        OutputCatalogue::add_column(table, Column::reals("share_of_wave_elapsed", std::move(elapsed)));
        OutputCatalogue::add_column(table, Column::reals("people_helped", std::move(ph)));
        OutputCatalogue::add_column(table, Column::reals("people_helped_expected", std::move(ph_expected)));
        OutputCatalogue::add_column(table, Column::reals("devices_lent", std::move(dl)));
        OutputCatalogue::add_column(table, Column::reals("devices_lent_expected", std::move(dl_expected)));
        OutputCatalogue::add_column(table, Column::reals("champions_trained", std::move(ch)));
        OutputCatalogue::add_column(table, Column::reals("champions_trained_expected", std::move(ch_expected)));
        OutputCatalogue::add_column(table, Column::texts("status", std::move(status)));
        OutputCatalogue::add_column(table, Column::texts("reason", std::move(reason)));
        nlohmann::ordered_json named = nlohmann::ordered_json::array();
        for (std::size_t w = 0; w < behind_in_wave.size(); ++w)
            for (const auto& name : behind_in_wave[w]) named.push_back({{"wave", w}, {"area", name}});
        progress_json = {{"areas_on_track", on_track}, {"areas_behind_plan", behind_count}, {"areas_not_started", not_started},
                         {"behind_plan", named},       {"wave_months", target.wave_months}, {"on_track_share", target.on_track}};
    }

    // Equity: the concentration index of each residents' measure by need, the top need decile's
    // share, and each area wave's share of reach against its share of people (and of the plan).
    nlohmann::ordered_json equity_json = nlohmann::ordered_json::array();
    {
        Layer& table = state.outputs.add(info(config, "equity"));
        Column::Texts scope, measure, behind_text;
        Column::Integers zone_count;
        Column::Reals residents, people_share, reach_share, planned_share, index, lower, upper, top_people, top_reach, top_ratio;
        std::vector<double> need_rank(static_cast<std::size_t>(nz), kNaN);
        for (Eigen::Index z = 0; z < nz; ++z)
            if (scored.rank[static_cast<std::size_t>(z)] > 0)
                need_rank[static_cast<std::size_t>(z)] = static_cast<double>(scored.rank[static_cast<std::size_t>(z)]);
        // Zones the need index left out (no score) are left out of the equity figures, and said.
        std::vector<std::size_t> ranked;
        for (std::size_t z = 0; z < need_rank.size(); ++z)
            if (!std::isnan(need_rank[z])) ranked.push_back(z);
        std::vector<double> rank_r, people_r;
        for (std::size_t z : ranked) {
            rank_r.push_back(need_rank[z]);
            people_r.push_back(people(static_cast<Eigen::Index>(z)));
        }
        const std::vector<std::int64_t> decile = need_groups(people_r, rank_r, 10);
        int max_wave = -1;
        if (plan != nullptr)
            for (int w : plan->plan.area_wave) max_wave = std::max(max_wave, w);
        for (int m = 0; m < kResidentMeasures; ++m) {
            const Eigen::MatrixXd& zc = counts.zone[static_cast<std::size_t>(m)];
            std::vector<double> reach_r;
            for (std::size_t z : ranked) reach_r.push_back(zc.row(static_cast<Eigen::Index>(z)).sum());
            const double total = std::accumulate(reach_r.begin(), reach_r.end(), 0.0);
            const double total_people = std::accumulate(people_r.begin(), people_r.end(), 0.0);
            auto row = [&](const std::string& s, std::int64_t n, double res, double reach_part, double planned) {
                scope.push_back(s);
                measure.emplace_back(kMeasureNames[static_cast<std::size_t>(m)]);
                zone_count.push_back(n);
                residents.push_back(res);
                people_share.push_back(total_people > 0 ? std::round(1000.0 * res / total_people) / 1000.0 : kNaN);
                reach_share.push_back(published_share(reach_part, total, spec.threshold));
                planned_share.push_back(planned);
            };
            // All zones.
            row("all zones", static_cast<std::int64_t>(ranked.size()), total_people, total, kNaN);
            // The index over a handful of people would say where they live (over one person, it
            // is that person's zone's rank): given from 10 x threshold people on.
            if (total >= kIndexFloor * spec.threshold) {
                ReachByNeed input{reach_r, people_r, rank_r, {}};
                ConcentrationOptions options;
                options.draws = spec.draws;
                options.seed = spec.seed;
                options.level = spec.level;
                options.threads = config.threads;
                const ConcentrationResult c = concentration_index(input, options, state.control);
                index.push_back(c.index);
                lower.push_back(spec.draws > 0 ? c.lower : kNaN);
                upper.push_back(spec.draws > 0 ? c.upper : kNaN);
                const GroupShares top = share_by_group(reach_r, people_r, decile, 10);
                // The concentration curve at need-decile resolution, reach shares to whole
                // percentage points (a zone-level curve would publish each zone's count).
                nlohmann::ordered_json curve_people = {0.0}, curve_reach = {0.0};
                double cum_people = 0.0, cum_reach = 0.0;
                for (std::size_t g = 0; g < 10; ++g) {
                    cum_people += top.population_share[g];
                    cum_reach += top.reach[g];
                    curve_people.push_back(std::round(1000.0 * cum_people) / 1000.0);
                    curve_reach.push_back(std::round(100.0 * cum_reach / total) / 100.0);
                }
                top_people.push_back(top.population_share[0]);
                top_reach.push_back(published_share(top.reach[0], total, spec.threshold));
                top_ratio.push_back(std::isnan(top_reach.back()) ? kNaN : top.ratio[0]);
                equity_json.push_back(
                    {{"measure", kMeasureNames[static_cast<std::size_t>(m)]},
                     {"concentration_index", c.index},
                     {"interval", {spec.draws > 0 ? c.lower : kNaN, spec.draws > 0 ? c.upper : kNaN}},
                     {"level", spec.level},
                     {"top_decile_people_share", top.population_share[0]},
                     {"top_decile_reach_share", top_reach.back()},
                     {"curve", total >= 100.0 * spec.threshold
                                   ? nlohmann::ordered_json{{"population_share", curve_people}, {"reach_share", curve_reach}}
                                   : nlohmann::ordered_json()}});
            } else {
                for (auto* col : {&index, &lower, &upper, &top_people, &top_reach, &top_ratio}) col->push_back(kNaN);
            }
            behind_text.emplace_back();
            // Each area wave.
            double total_expected = 0.0;
            for (double e : expected_people) total_expected += std::isnan(e) ? 0.0 : e;
            for (int w = 0; w <= max_wave; ++w) {
                std::int64_t n = 0;
                double res = 0.0, part = 0.0, expected = 0.0;
                std::vector<double> wave_reach, wave_people, wave_rank;
                for (std::size_t i = 0; i < ranked.size(); ++i) {
                    const Eigen::Index a = plan->main_area[ranked[i]];
                    if (a < 0 || plan->plan.area_wave[static_cast<std::size_t>(a)] != w) continue;
                    ++n;
                    res += people_r[i];
                    part += reach_r[i];
                    wave_reach.push_back(reach_r[i]);
                    wave_people.push_back(people_r[i]);
                    wave_rank.push_back(rank_r[i]);
                }
                if (n == 0) continue;
                for (std::size_t a = 0; a < na; ++a)
                    if (plan->plan.area_wave[a] == w && !std::isnan(expected_people[a])) expected += expected_people[a];
                const bool planned = m == PeopleHelped && total_expected > 0.0;
                row("area wave " + std::to_string(w), n, res, part,
                    planned ? std::round(100.0 * expected / total_expected) / 100.0 : kNaN);
                if (part >= kIndexFloor * spec.threshold) {
                    ReachByNeed input{wave_reach, wave_people, wave_rank, {}};
                    ConcentrationOptions options;
                    options.draws = 0;
                    index.push_back(concentration_index(input, options, state.control).index);
                } else {
                    index.push_back(kNaN);
                }
                for (auto* col : {&lower, &upper, &top_people, &top_reach, &top_ratio}) col->push_back(kNaN);
                std::string names;
                if (static_cast<std::size_t>(w) < behind_in_wave.size())
                    for (const auto& name : behind_in_wave[static_cast<std::size_t>(w)])
                        names += (names.empty() ? "" : ", ") + name;
                behind_text.push_back(m == PeopleHelped ? names : std::string());
            }
        }
        OutputCatalogue::add_column(table, Column::texts("scope", std::move(scope)));
        OutputCatalogue::add_column(table, Column::texts("measure", std::move(measure)));
        OutputCatalogue::add_column(table, Column::integers("zones", std::move(zone_count)));
        OutputCatalogue::add_column(table, Column::reals("residents", std::move(residents)));
        OutputCatalogue::add_column(table, Column::reals("residents_share", std::move(people_share)));
        OutputCatalogue::add_column(table, Column::reals("reach_share", std::move(reach_share)));
        OutputCatalogue::add_column(table, Column::reals("planned_reach_share", std::move(planned_share)));
        OutputCatalogue::add_column(table, Column::reals("concentration_index", std::move(index)));
        OutputCatalogue::add_column(table, Column::reals("concentration_lower", std::move(lower)));
        OutputCatalogue::add_column(table, Column::reals("concentration_upper", std::move(upper)));
        OutputCatalogue::add_column(table, Column::reals("top_decile_residents_share", std::move(top_people)));
        OutputCatalogue::add_column(table, Column::reals("top_decile_reach_share", std::move(top_reach)));
        OutputCatalogue::add_column(table, Column::reals("top_decile_ratio", std::move(top_ratio)));
        OutputCatalogue::add_column(table, Column::texts("areas_behind_plan", std::move(behind_text)));
        if (ranked.size() < static_cast<std::size_t>(nz))
            state.reports.warn(
                "monitoring_unscored_zones",
                "monitoring: " + count_of(static_cast<std::size_t>(nz) - ranked.size(), "zone") +
                    " without a need score are left out of the equity figures (their reach is in the reach table)");
    }

    // Back into the plan: the support the programme added, access measured again, the gap and
    // the next waves re-planned.
    nlohmann::ordered_json feedback_json;
    if (state.access) {
        const AccessSet& access = *state.access;
        const MonitoringFeedback& f = spec.feedback;
        Eigen::VectorXd supply = access.supply;
        Eigen::VectorXd added = Eigen::VectorXd::Zero(supply.size());
        for (Eigen::Index p = 0; p < supply.size(); ++p)
            added(p) = f.champion_supply * counts.partner[ChampionsTrained].row(p).sum() +
                       f.hub_supply * counts.partner[HubsOpened].row(p).sum();
        supply += added;
        Eigen::VectorXd support_now = support_with(access, state.people ? &people : nullptr, supply);
        // Devices: supply in the resident's zone, per 1,000 residents as the access measure is.
        const Eigen::VectorXd devices = counts.zone[DevicesLent].rowwise().sum();
        for (Eigen::Index z = 0; z < nz; ++z)
            if (people(z) > 0) support_now(z) += 1000.0 * f.device_supply * devices(z) / people(z);
        NeedSupportGap gap_now = need_support_gap(scored.score, support_now);
        const Column* before = zones.layer->find("gap_class");
        long long changed = 0, left_hnls = 0, joined_hnls = 0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(nz); ++i) {
            if (gap_now.valid[i] && before != nullptr && before->is_valid(i) && io::key_text(*before, i) != gap_now.classes[i])
                ++changed;
            left_hnls += access.high_need_low_support[i] && !gap_now.high_need_low_support[i];
            joined_hnls += !access.high_need_low_support[i] && gap_now.high_need_low_support[i];
        }
        Layer& zone_table = *zones.layer;
        OutputCatalogue::add_column(zone_table,
                                    Column::reals("support_now", Column::Reals(support_now.data(), support_now.data() + nz)));
        OutputCatalogue::add_column(
            zone_table, Column::reals("gap_score_now", Column::Reals(gap_now.score.data(), gap_now.score.data() + nz)));
        OutputCatalogue::add_column(zone_table,
                                    Column::texts("gap_class_now", std::move(gap_now.classes), std::move(gap_now.valid)));
        feedback_json = {{"supply_added_at_partners", added.sum()},
                         {"partners_with_supply_added", (added.array() > 0).count()},
                         {"devices_as_supply", f.device_supply},
                         {"zones_changing_gap_class", changed},
                         {"zones_leaving_high_need_low_support", left_hnls},
                         {"zones_joining_high_need_low_support", joined_hnls}};

        if (plan != nullptr && plan->replan) {
            // An area has started when its wave's window has begun by `to` ([monitoring.targets]
            // wave_months; without targets, waves 0 and 1 have); the waves after are re-planned.
            std::vector<bool> started(na, false), active(na, false);
            for (std::size_t a = 0; a < na; ++a) {
                const int w = plan->plan.area_wave[a];
                if (w < 0) continue;
                started[a] = spec.targets ? wave_window(w, spec.targets->wave_months).start < periods.months() : w <= 1;
            }
            for (std::size_t p = 0; p < partners.area.size(); ++p)
                if (partners.area[p] >= 0)
                    for (int m = 0; m < kMeasures; ++m)
                        if (counts.partner[static_cast<std::size_t>(m)].row(static_cast<Eigen::Index>(p)).sum() > 0)
                            active[static_cast<std::size_t>(partners.area[p])] = true;
            std::vector<double> value_now;
            const WavePlan replanned = plan->replan(support_now, started, value_now);
            Layer& table = state.outputs.add(info(config, "replan"));
            Column::Texts area_id, change;
            Column::Integers wave_before, wave_now;
            Column::Reals value_before_col, value_now_col;
            std::vector<bool> is_started;
            long long moved = 0;
            nlohmann::ordered_json moves = nlohmann::ordered_json::array();
            const bool hnls_rule = config.rollout->area_rule == AreaRule::HighNeedLowSupport;
            // Started areas keep their waves; the re-planned ones follow the last started wave.
            int last_started = 0;
            for (std::size_t a = 0; a < na; ++a)
                if (started[a]) last_started = std::max(last_started, plan->plan.area_wave[a]);
            for (std::size_t a = 0; a < na; ++a) {
                const int w0 = plan->plan.area_wave[a];
                const int w1 = started[a] || replanned.area_wave[a] <= 0 ? w0 : last_started + replanned.area_wave[a];
                if (w0 < 0) continue;
                area_id.push_back(areas.ids[a]);
                wave_before.push_back(w0);
                wave_now.push_back(w1);
                value_before_col.push_back(plan->area_value[a]);
                value_now_col.push_back(value_now[a]);
                is_started.push_back(started[a]);
                std::string why;
                const std::string value_words = hnls_rule ? "people in high need and low support" : "the rule's value";
                if (w0 == 0) why = "the pilot (wave 0)";
                else if (started[a]) why = "started: its wave began by " + spec.to + ", so it is not re-planned";
                else if (w1 == w0)
                    why = "stays in wave " + std::to_string(w0) + "; " + value_words + " " + fixed(plan->area_value[a], 0) +
                          " -> " + fixed(value_now[a], 0);
                else
                    why = std::string(w1 < w0 ? "earlier" : "later") + ": wave " + std::to_string(w0) + " -> " +
                          std::to_string(w1) + "; " + value_words + " " + fixed(plan->area_value[a], 0) + " -> " +
                          fixed(value_now[a], 0) +
                          (w1 < w0 ? (value_now[a] > plan->area_value[a] ? " (support grew faster elsewhere)"
                                                                         : " (other areas fell further)")
                                   : (value_now[a] < plan->area_value[a] ? " (support added here or nearby)"
                                                                         : " (other areas now have more)"));
                if (!started[a] && active[a]) why += "; its partners have already logged activity";
                if (w0 > 0 && !started[a] && w1 != w0) {
                    ++moved;
                    moves.push_back({{"area", areas.ids[a]}, {"from", w0}, {"to", w1}});
                }
                change.push_back(why);
            }
            OutputCatalogue::add_column(table, Column::texts("area_id", std::move(area_id)));
            OutputCatalogue::add_column(table, Column::integers("area_wave", std::move(wave_before)));
            OutputCatalogue::add_column(table, Column::integers("area_wave_now", std::move(wave_now)));
            Column::Integers started_col;
            for (bool s : is_started) started_col.push_back(s ? 1 : 0);
            OutputCatalogue::add_column(table, Column::integers("started", std::move(started_col)));
            OutputCatalogue::add_column(table, Column::reals("rule_value", std::move(value_before_col)));
            OutputCatalogue::add_column(table, Column::reals("rule_value_now", std::move(value_now_col)));
            OutputCatalogue::add_column(table, Column::texts("change", std::move(change)));
            feedback_json["areas_started"] = std::count(started.begin(), started.end(), true);
            feedback_json["areas_moving_wave"] = moved;
            feedback_json["moves"] = moves;
        }
    }

    // The manifest: what was read and placed, what was suppressed and how, and the answers.
    nlohmann::ordered_json placed = nlohmann::ordered_json::object();
    for (const auto& [key, c] : std::vector<std::pair<const char*, Check>>{{"by_zone_code", PlacedByZone},
                                                                           {"by_postcode", PlacedByPostcode},
                                                                           {"by_partner_catchment", PlacedByCatchment},
                                                                           {"in_partner_zone", PlacedInPartnerZone},
                                                                           {"not_placed", NotPlaced},
                                                                           {"outside_the_zones", ResidentOutside}})
        placed[key] = {{"rows", quality.rows[c]}, {"count", safe_count(quality.units[c], spec.threshold)}};
    nlohmann::ordered_json section = {
        {"log", spec.path.filename().string()},
        {"rows_read", quality.rows[RowsRead]},
        {"rows_left_out", quality.rows[KindUnknown] + quality.rows[DateUnreadable] + quality.rows[DateOutside] +
                              quality.rows[CountBad] + quality.rows[PartnerUnknown]},
        {"period",
         {{"from", spec.from},
          {"to", spec.to},
          {"by", spec.period == MonitoringPeriod::Quarter ? "quarter" : "month"},
          {"periods", periods.labels}}},
        {"residents_placed", placed},
        {"disclosure",
         {{"threshold", spec.threshold},
          {"zeros", spec.suppress_zeros ? "suppressed" : "published"},
          {"measures", spec.suppress},
          {"method",
           "primary: counts 0 < c < threshold; secondary: cells protecting each suppressed cell from exact recovery through the "
           "published totals, zones and areas suppressed as linked tables until neither adds a cell; shares published to whole "
           "percentage points, blank where the count behind them is below the threshold or the total is under 100 times the "
           "threshold (the concentration curve too, by need decile); the concentration index only over at least 10 times the threshold's "
           "people; the tables say which counts are suppressed, not why (a count known "
           "to be below the threshold is known to lie in 1 to threshold - 1); residents' postcodes are never "
           "written"},
          {"suppressed", suppression}}},
        {"equity", equity_json}};
    if (!progress_json.is_null()) section["plan_progress"] = progress_json;
    if (!feedback_json.is_null()) section["feedback"] = feedback_json;
    state.facts.sections.emplace_back("monitoring", section.dump());
    state.facts.method.push_back(
        "Monitoring counts the activity log per zone, area and " +
        std::string(spec.period == MonitoringPeriod::Quarter ? "quarter" : "month") + " from " + spec.from + " to " + spec.to +
        ": residents are placed by their zone code or postcode where the log gives one, else shared over the partner's "
        "catchment by residents and distance decay; champions, sessions and hubs count in the partner's area. The concentration "
        "index (Wagstaff, Paci and van Doorslaer) of reach over zones ranked by need is negative when reach goes to higher need, "
        "with a " +
        fixed(100.0 * spec.level, 0) + "% bootstrap interval. Counts of " +
        [&] {
            std::string list;
            for (const auto& m : spec.suppress) list += (list.empty() ? "" : ", ") + m;
            return list;
        }() +
        " below " + fixed(spec.threshold, 0) + " are suppressed, with secondary suppression so that no total reveals them.");
}

}  // namespace

extern const Stage monitoring_stage{kStage, applies, tables, zone_columns, monitor};

}  // namespace furthest::run_detail
