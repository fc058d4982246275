// The scoring engine's front: resolve the spec, treat missing values and outliers, normalise
// against the reference set, weigh, aggregate, explain, classify, and measure rank uncertainty.
// Steps follow the OECD/JRC Handbook on Constructing Composite Indicators (2008), sections 3-7.
#include "core/ranking.hpp"
#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"
#include "scoring/scoring_internal.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace furthest {

using namespace scoring_detail;

namespace {

std::string zone_label(const ScoringInput& input, Index zone) {
    const std::string row = "row " + std::to_string(zone + 1);
    if (input.zone_ids.empty()) return row;
    return "zone '" + input.zone_ids[static_cast<std::size_t>(zone)] + "' (" + row + ")";
}

std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

void check_weight(double w, const std::string& what) {
    if (!std::isfinite(w) || w < 0.0)
        throw ConfigError("scoring: the weight of " + what + " is " + number(w) + "; expected a finite number >= 0");
}

// Explicit weights are used as given: a weighted mean divides by their sum, so only their shares
// matter. Not silently: say so when unequal weights do not sum to one.
void note_weights_given(const Eigen::VectorXd& given, const std::vector<std::string>& names, const std::string& what,
                        std::vector<std::string>& warnings) {
    const double sum = given.sum();
    if (given.size() < 2 || std::abs(sum - 1.0) <= 1e-9 || (given.array() == given(0)).all()) return;
    std::string shares;
    for (Index i = 0; i < given.size(); ++i)
        shares += (i ? ", " : "") + names[static_cast<std::size_t>(i)] + " " + number(given(i)) + " (" +
                  number(100.0 * given(i) / sum) + "%)";
    warnings.push_back("the weights of " + what + " sum to " + number(sum) +
                       ", not 1; they are used as given, each weighing by its share of the sum: " + shares);
}

// The scoring as named steps over one state; each step reads the members earlier steps set.
class Scoring {
public:
    Scoring(const ScoringInput& input_, const ScoringSpec& spec_, const Control& control_)
        : input(input_), spec(spec_), control(control_) {}

    ScoringResult run() {
        check_input();
        resolve_model();
        select_zones();
        resolve_standard_errors();
        impute();
        winsorise();
        control.check("scoring: normalisation");
        normalise();
        check_geometric_inputs();
        control.check("scoring: weights");
        weight();
        aggregate_index();
        rank();
        record_contributions();
        control.check("scoring: ranks within areas");
        rank_within_areas();
        classify();
        result.correlation = correlation_matrix(y_spec);
        measure_uncertainty();
        result.method_summary = method_summary(spec, model, result, zones);
        return std::move(result);
    }

private:
    void check_input();  ///< The shapes of the data against the spec.
    void resolve_model();  ///< Indicators, domains and per-indicator plans with every default resolved.
    void select_zones();  ///< Missing values, never silent: refuse, or drop zones (listed); the rows to score.
    void resolve_standard_errors();  ///< Per-zone standard errors of the rows: given per zone, else the indicator's.
    void impute();  ///< Blank values: mean, median or area mean imputed, or flagged (scored without them).
    void winsorise();  ///< Descriptive statistics, then outliers clipped (quantiles or the JRC rule).
    void normalise();  ///< Orient, transform and normalise each indicator within the reference set.
    void check_geometric_inputs();  ///< Geometric means need values above 0.
    void weight();  ///< Indicator weights within domains and domain weights: explicit, equal or PCA.
    void aggregate_index();  ///< The nominal index: hierarchical weighted means, and each indicator's contribution.
    void rank();  ///< Ranks, deciles and quintiles among the zones scored.
    void record_contributions();  ///< Normalised values, domain scores, contributions and weights, by zone.
    void rank_within_areas();  ///< Ranks within areas, and the scores with the other reference set.
    void classify();  ///< Map classes of the scores.
    void measure_uncertainty();  ///< Monte Carlo rank intervals and one-at-a-time factors.

    Eigen::MatrixXd make_log(const Eigen::MatrixXd& values) const {
        Eigen::MatrixXd l = values.array().log().matrix();
        if (model.present.size() != 0) l = (model.present.array() > 0.0).select(l.array(), 0.0).matrix();
        return l;
    }
    Eigen::VectorXd to_zones(const Eigen::VectorXd& rows_values) const {
        Eigen::VectorXd out = Eigen::VectorXd::Constant(zones, kUnset);
        for (Index r = 0; r < n; ++r) out(zone_of_row[static_cast<std::size_t>(r)]) = rows_values(r);
        return out;
    }
    std::vector<std::int64_t> to_zones_int(const std::vector<std::int64_t>& rows_values) const {
        std::vector<std::int64_t> out(static_cast<std::size_t>(zones), 0);
        for (Index r = 0; r < n; ++r)
            out[static_cast<std::size_t>(zone_of_row[static_cast<std::size_t>(r)])] = rows_values[static_cast<std::size_t>(r)];
        return out;
    }

    const ScoringInput& input;
    const ScoringSpec& spec;
    const Control& control;
    ScoringResult result;

    Index zones = 0, k = 0, d = 0, n = 0;  // zones given, indicators, domains, rows scored
    bool has_areas = false, flat = false;
    std::vector<std::string> domain_names;
    std::vector<Index> domain_of;
    std::vector<bool> standalone_domain;
    std::vector<const ScoringDomain*> domain_spec;
    Model model;
    std::vector<Normalisation> nominal;
    std::vector<Index> zone_of_row;
    std::vector<std::int64_t> area_of_row;
    Eigen::MatrixXd raw, standard_errors;  // rows x indicators, spec order
    std::vector<std::vector<ColumnFit>> fits;
    Eigen::MatrixXd y_spec, y, log_y;      // normalised: spec order; domain order with 0 where absent
    Eigen::MatrixXd domain_raw, domain_out, contrib;
    Eigen::VectorXd score_rows;
    std::vector<std::int64_t> rank_rows;
};

void Scoring::check_input() {
    zones = input.values.rows();
    k = static_cast<Index>(spec.indicators.size());
    if (k == 0) throw ConfigError("scoring: no indicators; expected at least one");
    if (input.values.cols() != k)
        throw InputError("scoring: the spec names " + std::to_string(k) + " indicators but the data have " +
                         std::to_string(input.values.cols()) + " columns");
    if (zones == 0) throw InputError("scoring: no zones to score");
    // The config's caps, for every caller (a keyword such as draws=10**12 included).
    if (spec.uncertainty.draws < 0 || spec.uncertainty.draws > kMaxDraws)
        throw ConfigError("scoring: 'draws' is " + std::to_string(spec.uncertainty.draws) +
                          "; expected a whole number from 0 to 1,000,000");
    if (spec.classes.k < 1 || spec.classes.k > kMaxClasses)
        throw ConfigError("scoring: classes 'k' is " + std::to_string(spec.classes.k) + "; expected a whole number from 1 to " +
                          std::to_string(kMaxClasses));
    has_areas = !input.area.empty();
    if (has_areas && static_cast<Index>(input.area.size()) != zones)
        throw InputError("scoring: " + std::to_string(input.area.size()) + " area entries for " + std::to_string(zones) +
                         " zones");
    if (!input.zone_ids.empty() && static_cast<Index>(input.zone_ids.size()) != zones)
        throw InputError("scoring: " + std::to_string(input.zone_ids.size()) + " zone ids for " + std::to_string(zones) +
                         " zones");
    if (input.standard_errors.size() != 0 && (input.standard_errors.rows() != zones || input.standard_errors.cols() != k))
        throw InputError("scoring: standard errors must be zones x indicators like the values");
    if (spec.reference == ReferenceSet::Area && !has_areas)
        throw ConfigError("scoring: reference = 'area' needs the zones' partnership areas");
}

void Scoring::resolve_model() {
    domain_of.assign(static_cast<std::size_t>(k), 0);
    for (Index j = 0; j < k; ++j) {
        const auto& ind = spec.indicators[static_cast<std::size_t>(j)];
        if (ind.name.empty()) throw ConfigError("scoring: indicator " + std::to_string(j + 1) + " has no name");
        for (Index i = 0; i < j; ++i)
            if (spec.indicators[static_cast<std::size_t>(i)].name == ind.name)
                throw ConfigError("scoring: indicator name '" + ind.name + "' is used twice");
        check_weight(ind.weight, "indicator '" + ind.name + "'");
        const std::string dname = ind.domain.empty() ? ind.name : ind.domain;
        auto it = std::find(domain_names.begin(), domain_names.end(), dname);
        if (it == domain_names.end()) {
            domain_names.push_back(dname);
            standalone_domain.push_back(ind.domain.empty());
            it = domain_names.end() - 1;
        } else if (standalone_domain[static_cast<std::size_t>(it - domain_names.begin())] || ind.domain.empty()) {
            throw ConfigError("scoring: '" + dname + "' is both an indicator without a domain and a domain name");
        }
        domain_of[static_cast<std::size_t>(j)] = it - domain_names.begin();
    }
    flat =
        std::all_of(spec.indicators.begin(), spec.indicators.end(), [](const ScoringIndicator& i) { return i.domain.empty(); });
    d = static_cast<Index>(domain_names.size());
    domain_spec.assign(static_cast<std::size_t>(d), nullptr);
    for (const auto& ds : spec.domains) {
        const auto it = std::find(domain_names.begin(), domain_names.end(), ds.name);
        if (it == domain_names.end() || standalone_domain[static_cast<std::size_t>(it - domain_names.begin())])
            throw ConfigError("scoring: domain '" + ds.name + "' is listed but no indicator names it as its domain");
        auto& slot = domain_spec[static_cast<std::size_t>(it - domain_names.begin())];
        if (slot) throw ConfigError("scoring: domain '" + ds.name + "' is listed twice");
        check_weight(ds.weight, "domain '" + ds.name + "'");
        if (ds.transform == Transform::Log)
            throw ConfigError("scoring: domain '" + ds.name + "': transform must be none, rank or imd_exponential");
        slot = &ds;
    }

    model.k = k;
    model.d = d;
    model.domain_names = domain_names;
    model.index_aggregation = spec.aggregation;
    for (Index dd = 0; dd < d; ++dd) {
        model.domain_start.push_back(static_cast<Index>(model.indicator_of.size()));
        for (Index j = 0; j < k; ++j)
            if (domain_of[static_cast<std::size_t>(j)] == dd) model.indicator_of.push_back(j);
        model.domain_size.push_back(static_cast<Index>(model.indicator_of.size()) - model.domain_start.back());
        const ScoringDomain* ds = domain_spec[static_cast<std::size_t>(dd)];
        Aggregation agg = ds && ds->aggregation ? *ds->aggregation : spec.domain_aggregation;
        if (model.domain_size.back() == 1) agg = spec.aggregation;  // one indicator: its mean is itself
        model.domain_aggregation.push_back(agg);
        model.domain_transform.push_back(ds ? ds->transform : Transform::None);
    }
    model.column_of.resize(static_cast<std::size_t>(k));
    for (Index c = 0; c < k; ++c) model.column_of[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(c)])] = c;

    nominal.assign(static_cast<std::size_t>(k), Normalisation::ZScore);
    for (Index j = 0; j < k; ++j) {
        const auto& ind = spec.indicators[static_cast<std::size_t>(j)];
        IndicatorPlan p;
        p.name = ind.name;
        p.sign = ind.direction == Direction::HigherIsMoreNeed ? 1.0 : -1.0;
        p.transform = ind.transform;
        p.log_offset = ind.log_offset;
        p.normalisation = ind.normalisation.value_or(spec.normalisation);
        p.reference_value = ind.reference_value;
        p.goalpost_low = ind.goalpost_low;
        p.goalpost_high = ind.goalpost_high;
        p.winsorise = ind.winsorise.value_or(spec.winsorise);
        p.winsorise_low = ind.winsorise_low;
        p.winsorise_high = ind.winsorise_high;
        p.missing = ind.missing.value_or(spec.missing);
        p.domain = domain_of[static_cast<std::size_t>(j)];
        if (p.missing == MissingValues::AreaMean && !has_areas)
            throw ConfigError("scoring: indicator '" + p.name + "': missing = 'area_mean' needs the zones' partnership areas");
        if (p.winsorise == Winsorising::Quantiles &&
            !(p.winsorise_low >= 0.0 && p.winsorise_low < p.winsorise_high && p.winsorise_high <= 1.0))
            throw ConfigError("scoring: indicator '" + p.name + "': winsorise = [low, high] needs 0 <= low < high <= 1");
        nominal[static_cast<std::size_t>(j)] = p.normalisation;
        model.plans.push_back(p);
    }
    result.indicators.clear();
    for (const auto& p : model.plans) result.indicators.push_back(p.name);
    result.domains = domain_names;
    for (Index j = 0; j < k; ++j) result.indicator_domain.push_back(domain_of[static_cast<std::size_t>(j)]);
}

void Scoring::select_zones() {
    for (Index j = 0; j < k; ++j)
        for (Index z = 0; z < zones; ++z)
            if (std::isinf(input.values(z, j)))
                throw InputError("scoring: indicator '" + model.plans[static_cast<std::size_t>(j)].name + "' is infinite at " +
                                 zone_label(input, z) + "; expected a finite number or blank");
    std::vector<bool> keep(static_cast<std::size_t>(zones), true);
    for (Index j = 0; j < k; ++j) {
        const auto& p = model.plans[static_cast<std::size_t>(j)];
        std::vector<std::int64_t> blanks;
        for (Index z = 0; z < zones; ++z)
            if (std::isnan(input.values(z, j))) blanks.push_back(z);
        if (blanks.empty()) continue;
        if (p.missing == MissingValues::Error)
            throw InputError("scoring: indicator '" + p.name + "' is blank for " + std::to_string(blanks.size()) +
                             " zone(s), first at " + zone_label(input, blanks.front()) +
                             "; set missing to 'drop', 'mean', 'median', 'area_mean' or 'flag'");
        if (p.missing == MissingValues::Drop) {
            for (auto z : blanks) keep[static_cast<std::size_t>(z)] = false;
            result.imputed.push_back({p.name, "dropped", blanks, {}});
        }
    }
    // A zone whose every value is blank and left blank ('flag') has nothing to be scored on.
    std::vector<std::int64_t> empty_zones;
    for (Index z = 0; z < zones; ++z) {
        if (!keep[static_cast<std::size_t>(z)]) continue;
        bool nothing = true;
        for (Index j = 0; j < k && nothing; ++j)
            nothing = std::isnan(input.values(z, j)) && model.plans[static_cast<std::size_t>(j)].missing == MissingValues::Flag;
        if (nothing) {
            keep[static_cast<std::size_t>(z)] = false;
            empty_zones.push_back(z);
        }
    }
    if (!empty_zones.empty()) {
        result.imputed.push_back({"(all indicators)", "dropped", empty_zones, {}});
        result.warnings.push_back(std::to_string(empty_zones.size()) +
                                  " zone(s) have no indicator values and are not scored, first " +
                                  zone_label(input, empty_zones.front()));
    }
    for (Index z = 0; z < zones; ++z)
        if (keep[static_cast<std::size_t>(z)]) zone_of_row.push_back(z);
    n = static_cast<Index>(zone_of_row.size());
    if (n == 0) throw InputError("scoring: every zone was dropped for missing values; nothing to score");
    for (Index z = 0; z < zones; ++z)
        if (!keep[static_cast<std::size_t>(z)]) result.dropped_zones.push_back(z);
    model.rows = n;
    if (has_areas)
        for (Index r = 0; r < n; ++r)
            area_of_row.push_back(input.area[static_cast<std::size_t>(zone_of_row[static_cast<std::size_t>(r)])]);

    raw.resize(n, k);
    for (Index r = 0; r < n; ++r) raw.row(r) = input.values.row(zone_of_row[static_cast<std::size_t>(r)]);
}

void Scoring::resolve_standard_errors() {
    {
        bool any = input.standard_errors.size() != 0;
        for (const auto& ind : spec.indicators) any = any || !std::isnan(ind.standard_error);
        if (any) {
            standard_errors = Eigen::MatrixXd::Constant(n, k, kUnset);
            for (Index j = 0; j < k; ++j) {
                const double scalar = spec.indicators[static_cast<std::size_t>(j)].standard_error;
                if (!std::isnan(scalar) && !(scalar >= 0.0))
                    throw ConfigError("scoring: indicator '" + model.plans[static_cast<std::size_t>(j)].name +
                                      "': standard_error must be >= 0");
                for (Index r = 0; r < n; ++r) {
                    const double given = input.standard_errors.size() != 0
                                             ? input.standard_errors(zone_of_row[static_cast<std::size_t>(r)], j)
                                             : kUnset;
                    if (!std::isnan(given) && !(given >= 0.0))
                        throw InputError("scoring: indicator '" + model.plans[static_cast<std::size_t>(j)].name +
                                         "' has a negative standard error at " +
                                         zone_label(input, zone_of_row[static_cast<std::size_t>(r)]));
                    standard_errors(r, j) = std::isnan(given) ? scalar : given;
                }
            }
        }
    }
}

void Scoring::impute() {
    Eigen::MatrixXd present = Eigen::MatrixXd::Ones(n, k);
    bool any_flagged = false;
    for (Index j = 0; j < k; ++j) {
        auto& p = model.plans[static_cast<std::size_t>(j)];
        std::vector<Index> blank_rows;
        for (Index r = 0; r < n; ++r)
            if (std::isnan(raw(r, j))) blank_rows.push_back(r);
        if (blank_rows.empty()) continue;
        ImputationReport report{p.name, to_string(p.missing), {}, {}};
        if (p.missing == MissingValues::Mean || p.missing == MissingValues::Median || p.missing == MissingValues::AreaMean) {
            std::vector<double> have;
            for (Index r = 0; r < n; ++r)
                if (!std::isnan(raw(r, j))) have.push_back(raw(r, j));
            if (have.empty()) throw InputError("scoring: indicator '" + p.name + "' has no values to impute from");
            const double overall = p.missing == MissingValues::Median
                                       ? quantile_linear(have, 0.5)
                                       : std::accumulate(have.begin(), have.end(), 0.0) / static_cast<double>(have.size());
            std::map<std::int64_t, std::pair<double, double>> area_sum;  // area -> (sum, count)
            if (p.missing == MissingValues::AreaMean)
                for (Index r = 0; r < n; ++r)
                    if (!std::isnan(raw(r, j)) && area_of_row[static_cast<std::size_t>(r)] >= 0) {
                        auto& s = area_sum[area_of_row[static_cast<std::size_t>(r)]];
                        s.first += raw(r, j);
                        s.second += 1.0;
                    }
            std::int64_t fell_back = 0;
            for (Index r : blank_rows) {
                double value = overall;
                if (p.missing == MissingValues::AreaMean) {
                    const auto it = area_sum.find(area_of_row[static_cast<std::size_t>(r)]);
                    if (it != area_sum.end() && it->second.second > 0.0) value = it->second.first / it->second.second;
                    else ++fell_back;
                }
                raw(r, j) = value;
                report.zones.push_back(zone_of_row[static_cast<std::size_t>(r)]);
                report.values.push_back(value);
            }
            if (fell_back > 0)
                result.warnings.push_back("indicator '" + p.name + "': " + std::to_string(fell_back) +
                                          " blank value(s) in areas with no values took the overall mean");
        } else if (p.missing == MissingValues::Flag) {
            any_flagged = true;
            for (Index r : blank_rows) {
                present(r, model.column_of[static_cast<std::size_t>(j)]) = 0.0;
                report.zones.push_back(zone_of_row[static_cast<std::size_t>(r)]);
            }
        }
        result.imputed.push_back(std::move(report));
    }
    if (any_flagged) model.present = present;
    result.missing_count.assign(static_cast<std::size_t>(zones), 0);
    for (Index r = 0; r < n; ++r)
        result.missing_count[static_cast<std::size_t>(zone_of_row[static_cast<std::size_t>(r)])] =
            static_cast<std::int64_t>((present.row(r).array() == 0.0).count());
}

void Scoring::winsorise() {
    for (Index j = 0; j < k; ++j) result.stats.push_back(describe(model.plans[static_cast<std::size_t>(j)].name, raw.col(j)));
    for (Index j = 0; j < k; ++j) {
        auto& p = model.plans[static_cast<std::size_t>(j)];
        if (p.winsorise == Winsorising::None) continue;
        std::vector<double> col(raw.col(j).data(), raw.col(j).data() + n);
        WinsorReport report{p.name, kUnset, kUnset, 0, 0};
        if (p.winsorise == Winsorising::Quantiles) {
            p.clip_low = quantile_linear(col, p.winsorise_low);
            p.clip_high = quantile_linear(col, p.winsorise_high);
        } else {
            // JRC rule: winsorise the single most extreme value towards its neighbour, up to five
            // times, while the distribution stays strongly skewed and heavy-tailed.
            std::vector<double> sorted = col;
            sorted.erase(std::remove_if(sorted.begin(), sorted.end(), [](double v) { return std::isnan(v); }), sorted.end());
            std::sort(sorted.begin(), sorted.end());
            Eigen::VectorXd current = raw.col(j);
            int steps = 0;
            for (; steps < 5; ++steps) {
                const IndicatorStats s = describe(p.name, current);
                if (!(std::abs(s.skewness) > 2.0 && s.kurtosis > 3.5)) break;
                if (s.skewness > 0.0) {
                    auto upper = std::lower_bound(sorted.begin(), sorted.end(), s.max);
                    if (upper == sorted.begin()) break;
                    p.clip_high = *(upper - 1);
                } else {
                    auto lower = std::upper_bound(sorted.begin(), sorted.end(), s.min);
                    if (lower == sorted.end()) break;
                    p.clip_low = *lower;
                }
                for (Index r = 0; r < n; ++r)
                    if (!std::isnan(current(r))) current(r) = std::clamp(raw(r, j), p.clip_low, p.clip_high);
            }
            if (steps == 5) {
                const IndicatorStats s = describe(p.name, current);
                if (std::abs(s.skewness) > 2.0 && s.kurtosis > 3.5)
                    result.warnings.push_back("indicator '" + p.name + "' is still skewed (skewness " + number(s.skewness) +
                                              ", kurtosis " + number(s.kurtosis) +
                                              ") after winsorising 5 values; the JRC advises a log transform");
            }
        }
        report.low = p.clip_low;
        report.high = p.clip_high;
        for (Index r = 0; r < n; ++r) {
            if (raw(r, j) < p.clip_low) ++report.clipped_low;
            if (raw(r, j) > p.clip_high) ++report.clipped_high;
        }
        result.winsorised.push_back(report);
    }
}

void Scoring::normalise() {
    model.groups = spec.reference == ReferenceSet::Area ? area_groups(area_of_row) : single_group(n);
    fits.assign(static_cast<std::size_t>(k), {});
    y_spec.resize(n, k);
    for (Index j = 0; j < k; ++j)
        y_spec.col(j) =
            normalise_column(raw.col(j), model.plans[static_cast<std::size_t>(j)], nominal[static_cast<std::size_t>(j)],
                             model.groups, &fits[static_cast<std::size_t>(j)], &result.warnings);
    // Never a silent drop: a finite value that does not normalise to a finite number is refused.
    for (Index j = 0; j < k; ++j)
        for (Index r = 0; r < n; ++r)
            if (std::isfinite(raw(r, j)) && std::isinf(y_spec(r, j)))
                throw InputError("scoring: indicator '" + spec.indicators[static_cast<std::size_t>(j)].name + "' at " +
                                 zone_label(input, r) + ": value " + number(raw(r, j)) +
                                 " cannot be normalised to a finite number; rescale the column");
    y.resize(n, k);
    for (Index j = 0; j < k; ++j) y.col(model.column_of[static_cast<std::size_t>(j)]) = y_spec.col(j);
    y = y.array().isNaN().select(0.0, y.array()).matrix();
    if (model.any_geometric()) log_y = make_log(y);
}

void Scoring::check_geometric_inputs() {
    auto check_positive = [&](const Eigen::MatrixXd& values, Index col, const std::string& what) {
        for (Index r = 0; r < n; ++r)
            if ((model.present.size() == 0 || model.present(r, col) > 0.0) && !(values(r, col) > 0.0))
                throw ConfigError(
                    "scoring: the geometric mean needs values above 0, but " + what + " is " + number(values(r, col)) + " at " +
                    zone_label(input, zone_of_row[static_cast<std::size_t>(r)]) +
                    "; use percentile_rank, imd_exponential or goalposts with room above 0, or the arithmetic mean");
    };
    for (Index dd = 0; dd < d; ++dd)
        if (model.domain_aggregation[static_cast<std::size_t>(dd)] == Aggregation::Geometric)
            for (Index c = model.domain_start[static_cast<std::size_t>(dd)];
                 c < model.domain_start[static_cast<std::size_t>(dd)] + model.domain_size[static_cast<std::size_t>(dd)]; ++c)
                check_positive(y, c,
                               "indicator '" +
                                   model.plans[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(c)])].name +
                                   "' after " +
                                   to_string(nominal[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(c)])]) +
                                   " normalisation");
}

void Scoring::weight() {
    model.within = Eigen::VectorXd::Zero(k);
    for (Index dd = 0; dd < d; ++dd) {
        const auto du = static_cast<std::size_t>(dd);
        const Index s = model.domain_start[du], m = model.domain_size[du];
        if (m == 1) {
            model.within(s) = 1.0;
            continue;
        }
        if (spec.weighting == Weighting::Equal) {
            model.within.segment(s, m).setConstant(1.0 / static_cast<double>(m));
        } else if (spec.weighting == Weighting::Pca) {
            Eigen::MatrixXd block(n, m);
            std::vector<std::string> names;
            for (Index c = 0; c < m; ++c) {
                block.col(c) = y_spec.col(model.indicator_of[static_cast<std::size_t>(s + c)]);
                names.push_back(model.plans[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(s + c)])].name);
            }
            PcaReport report =
                principal_components(block, names, spec.pca_components, "domain '" + domain_names[du] + "'", result.warnings);
            model.within.segment(s, m) = report.weights;
            result.pca.push_back(std::move(report));
        } else {
            std::vector<std::string> names;
            for (Index c = 0; c < m; ++c) {
                model.within(s + c) =
                    spec.indicators[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(s + c)])].weight;
                names.push_back(model.plans[static_cast<std::size_t>(model.indicator_of[static_cast<std::size_t>(s + c)])].name);
            }
            const double sum = model.within.segment(s, m).sum();
            if (!(sum > 0.0)) throw ConfigError("scoring: every indicator of domain '" + domain_names[du] + "' has weight 0");
            note_weights_given(model.within.segment(s, m), names, "the indicators of domain '" + domain_names[du] + "'",
                               result.warnings);
            model.within.segment(s, m) /= sum;
        }
    }
    const Weighting domain_weighting = flat ? spec.weighting : spec.domain_weighting;
    model.domain_weight = Eigen::VectorXd::Zero(d);
    if (domain_weighting == Weighting::Equal || d == 1) {
        model.domain_weight.setConstant(1.0 / static_cast<double>(d));
    } else if (domain_weighting == Weighting::Pca) {
        Eigen::MatrixXd ds_raw, ds_out, tmp;
        const Eigen::VectorXd equal = Eigen::VectorXd::Constant(d, 1.0 / static_cast<double>(d));
        aggregate(model, y, log_y, model.within, equal, nullptr, tmp, &ds_raw, &ds_out);
        PcaReport report =
            principal_components(ds_out, domain_names, spec.pca_components, flat ? "indicators" : "domains", result.warnings);
        model.domain_weight = report.weights;
        result.pca.push_back(std::move(report));
    } else {
        for (Index dd = 0; dd < d; ++dd) {
            const auto du = static_cast<std::size_t>(dd);
            if (domain_spec[du]) model.domain_weight(dd) = domain_spec[du]->weight;
            else if (standalone_domain[du])
                model.domain_weight(dd) =
                    spec.indicators[static_cast<std::size_t>(
                                        model.indicator_of[static_cast<std::size_t>(model.domain_start[du])])]
                        .weight;
            else model.domain_weight(dd) = 1.0;
        }
        if (!(model.domain_weight.sum() > 0.0)) throw ConfigError("scoring: every domain (or indicator) has weight 0");
        result.domain_weights_given = model.domain_weight;
        note_weights_given(model.domain_weight, domain_names, flat ? "the indicators" : "the domains", result.warnings);
        model.domain_weight /= model.domain_weight.sum();
    }
    if (spec.weighting == Weighting::Explicit) {
        result.indicator_weights_given = Eigen::VectorXd(k);
        for (Index j = 0; j < k; ++j) result.indicator_weights_given(j) = spec.indicators[static_cast<std::size_t>(j)].weight;
    }
}

void Scoring::aggregate_index() {
    Eigen::MatrixXd score_m;
    aggregate(model, y, log_y, model.within, model.domain_weight, nullptr, score_m, &domain_raw, &domain_out);
    if (model.index_aggregation == Aggregation::Geometric)
        for (Index dd = 0; dd < d; ++dd)
            for (Index r = 0; r < n; ++r)
                if (!std::isnan(domain_out(r, dd)) && !(domain_out(r, dd) > 0.0))
                    throw ConfigError("scoring: the geometric mean of domains needs domain scores above 0, but domain '" +
                                      domain_names[static_cast<std::size_t>(dd)] + "' is " + number(domain_out(r, dd)) + " at " +
                                      zone_label(input, zone_of_row[static_cast<std::size_t>(r)]) +
                                      "; use a positive normalisation or transform = 'imd_exponential'");
    score_rows = score_m.col(0);
    contrib = contributions(model, y, score_rows, domain_raw, domain_out);
}

void Scoring::rank() {
    rank_rows = core::rank_descending(score_rows);
    result.score = to_zones(score_rows);
    result.rank = to_zones_int(rank_rows);
    result.decile.assign(static_cast<std::size_t>(zones), 0);
    result.quintile.assign(static_cast<std::size_t>(zones), 0);
    for (Index z = 0; z < zones; ++z) {
        result.decile[static_cast<std::size_t>(z)] = core::tile(result.rank[static_cast<std::size_t>(z)], n, 10);
        result.quintile[static_cast<std::size_t>(z)] = core::tile(result.rank[static_cast<std::size_t>(z)], n, 5);
    }
}

void Scoring::record_contributions() {
    result.normalised = Eigen::MatrixXd::Constant(zones, k, kUnset);
    result.contributions = Eigen::MatrixXd::Constant(zones, k, kUnset);
    result.domain_scores = Eigen::MatrixXd::Constant(zones, d, kUnset);
    for (Index r = 0; r < n; ++r) {
        const Index z = zone_of_row[static_cast<std::size_t>(r)];
        for (Index j = 0; j < k; ++j) {
            result.normalised(z, j) = y_spec(r, j);
            result.contributions(z, j) = contrib(r, model.column_of[static_cast<std::size_t>(j)]);
        }
        result.domain_scores.row(z) = domain_out.row(r);
    }
    result.indicator_weights = Eigen::VectorXd(k);
    result.effective_weights = Eigen::VectorXd(k);
    for (Index j = 0; j < k; ++j) {
        const Index c = model.column_of[static_cast<std::size_t>(j)];
        result.indicator_weights(j) = model.within(c);
        result.effective_weights(j) = model.within(c) * model.domain_weight(model.domain_of_column(c));
    }
    result.domain_weights = model.domain_weight;
}

void Scoring::rank_within_areas() {
    if (has_areas) {
        result.rank_in_area = to_zones_int(core::ranks_within(score_rows, area_of_row));
        std::map<std::int64_t, std::int64_t> count;
        for (Index r = 0; r < n; ++r)
            if (area_of_row[static_cast<std::size_t>(r)] >= 0) ++count[area_of_row[static_cast<std::size_t>(r)]];
        result.zones_in_area.assign(static_cast<std::size_t>(zones), 0);
        for (Index r = 0; r < n; ++r)
            if (area_of_row[static_cast<std::size_t>(r)] >= 0)
                result.zones_in_area[static_cast<std::size_t>(zone_of_row[static_cast<std::size_t>(r)])] =
                    count[area_of_row[static_cast<std::size_t>(r)]];
        // The same method with normalisation statistics taken over the other reference set.
        auto rescore = [&](const Groups& groups) {
            Model other = model;
            other.groups = groups;
            Eigen::MatrixXd yo(n, k);
            for (Index j = 0; j < k; ++j)
                yo.col(model.column_of[static_cast<std::size_t>(j)]) =
                    normalise_column(raw.col(j), model.plans[static_cast<std::size_t>(j)], nominal[static_cast<std::size_t>(j)],
                                     groups, nullptr, nullptr);
            yo = yo.array().isNaN().select(0.0, yo.array()).matrix();
            Eigen::MatrixXd lo, s;
            if (model.any_geometric()) lo = make_log(yo);
            aggregate(other, yo, lo, model.within, model.domain_weight, nullptr, s);
            return Eigen::VectorXd(s.col(0));
        };
        Eigen::VectorXd national = score_rows, by_area = score_rows;
        if (spec.reference == ReferenceSet::Area) national = rescore(single_group(n));
        else by_area = rescore(area_groups(area_of_row));
        const auto national_rank = core::rank_descending(national);
        result.national_rank = to_zones_int(national_rank);
        result.national_decile.assign(static_cast<std::size_t>(zones), 0);
        for (Index z = 0; z < zones; ++z)
            result.national_decile[static_cast<std::size_t>(z)] =
                core::tile(result.national_rank[static_cast<std::size_t>(z)], n, 10);
        result.area_reference_score = to_zones(by_area);
        result.area_reference_rank = to_zones_int(core::ranks_within(by_area, area_of_row));
    } else {
        result.national_rank = result.rank;
        result.national_decile = result.decile;
    }
}

void Scoring::classify() {
    {
        std::vector<double> values(score_rows.data(), score_rows.data() + n);
        result.class_breaks = class_breaks(values, spec.classes);
        const Eigen::VectorXd all = result.score;
        result.map_class =
            assign_classes(std::span<const double>(all.data(), static_cast<std::size_t>(zones)), result.class_breaks);
    }
}

void Scoring::measure_uncertainty() {
    if (spec.uncertainty.draws > 0) {
        if (spec.uncertainty.weights == WeightUncertainty::None && spec.uncertainty.normalisations.empty() &&
            !spec.uncertainty.drop_one && !(spec.uncertainty.input_noise && standard_errors.size() != 0))
            throw ConfigError("scoring: uncertainty draws = " + std::to_string(spec.uncertainty.draws) +
                              " but nothing varies; set weights, normalisations, drop_one or standard errors");
        for (auto a : spec.uncertainty.normalisations)
            if (a == Normalisation::Goalposts || a == Normalisation::DistanceToReference)
                for (const auto& p : model.plans)
                    if (p.transform == Transform::Rank || p.transform == Transform::ImdExponential)
                        throw ConfigError("scoring: uncertainty normalisation '" + to_string(a) +
                                          "' cannot be used with the rank transform of '" + p.name + "'");
        UncertaintyInputs ui;
        ui.raw = &raw;
        ui.standard_errors = &standard_errors;
        ui.y = &y;
        ui.domain_raw = &domain_raw;
        ui.score = &score_rows;
        ui.rank = &rank_rows;
        ui.area = &area_of_row;
        ui.nominal = nominal;
        ui.fits = fits;
        ui.top_n_in_area = spec.top_n_in_area;
        ui.domain_fits.resize(static_cast<std::size_t>(d));
        for (Index dd = 0; dd < d; ++dd) {
            const auto du = static_cast<std::size_t>(dd);
            if (model.domain_transform[du] == Transform::None) continue;
            ui.domain_fits[du].resize(model.groups.members.size());
            for (std::size_t g = 0; g < model.groups.members.size(); ++g) {
                auto& sorted = ui.domain_fits[du][g];
                for (Index r : model.groups.members[g])
                    if (!std::isnan(domain_raw(r, dd))) sorted.push_back(domain_raw(r, dd));
                std::sort(sorted.begin(), sorted.end());
            }
        }
        RankUncertainty u = run_uncertainty(model, ui, spec.uncertainty, result.warnings, control);
        // Back from rows to zones.
        RankUncertainty& o = result.uncertainty;
        o.draws = u.draws;
        o.median_rank = to_zones(u.median_rank);
        o.p05_rank = to_zones(u.p05_rank);
        o.p95_rank = to_zones(u.p95_rank);
        o.mean_rank = to_zones(u.mean_rank);
        o.p_top_decile = to_zones(u.p_top_decile);
        o.p_top_n_in_area = to_zones(u.p_top_n_in_area);
        o.factors = u.factors;
        o.factor_shift = Eigen::MatrixXd::Constant(zones, u.factor_shift.cols(), kUnset);
        o.most_influential.assign(static_cast<std::size_t>(zones), -1);
        o.most_influential_shift.assign(static_cast<std::size_t>(zones), 0);
        for (Index r = 0; r < n; ++r) {
            const Index z = zone_of_row[static_cast<std::size_t>(r)];
            o.factor_shift.row(z) = u.factor_shift.row(r);
            o.most_influential[static_cast<std::size_t>(z)] = u.most_influential[static_cast<std::size_t>(r)];
            o.most_influential_shift[static_cast<std::size_t>(z)] = u.most_influential_shift[static_cast<std::size_t>(r)];
        }
        if (u.kept_ranks.size() != 0) {
            o.kept_ranks = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>::Zero(zones, u.kept_ranks.cols());
            for (Index r = 0; r < n; ++r) o.kept_ranks.row(zone_of_row[static_cast<std::size_t>(r)]) = u.kept_ranks.row(r);
        }
    }
}

}  // namespace

ScoringResult score_zones(const ScoringInput& input, const ScoringSpec& spec, const Control& control) {
    return Scoring(input, spec, control).run();
}

}  // namespace furthest
