// Orientation, transforms and normalisation of indicators within a reference set (OECD/JRC
// Handbook on Constructing Composite Indicators, 2008, section 5; the exponential transform of
// the English Indices of Deprivation 2019 technical report, section 3.8).
#include "core/enum_names.hpp"
#include "core/ranking.hpp"
#include "furthest/errors.hpp"
#include "scoring/scoring_internal.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace furthest {

double imd_exponential(double scaled_rank) {
    // IoD 2019 technical report, section 3.8: X = -23 ln(1 - R (1 - exp(-100/23))), R in (0, 1],
    // 1 = most deprived. It stretches the most deprived tail so that domains compensate less there.
    return -23.0 * std::log(1.0 - scaled_rank * (1.0 - std::exp(-100.0 / 23.0)));
}

}  // namespace furthest

namespace furthest::scoring_detail {
namespace {

// 1, or the power of two at or below `magnitude` when it exceeds `above`: dividing by a power of
// two is exact, so moments taken in such units differ from the plain ones only in not overflowing.
double magnitude_unit(double magnitude, double above) {
    if (!(magnitude > above) || !std::isfinite(magnitude)) return 1.0;
    return std::ldexp(1.0, std::ilogb(magnitude));
}

}  // namespace

Groups single_group(Index rows) {
    Groups g;
    g.of.assign(static_cast<std::size_t>(rows), 0);
    g.members.resize(1);
    g.members[0].resize(static_cast<std::size_t>(rows));
    std::iota(g.members[0].begin(), g.members[0].end(), Index{0});
    return g;
}

Groups area_groups(const std::vector<std::int64_t>& area_of_row) {
    Groups g;
    std::int64_t areas = 0;
    for (auto a : area_of_row) areas = std::max(areas, a + 1);
    const bool has_unassigned = std::any_of(area_of_row.begin(), area_of_row.end(), [](std::int64_t a) { return a < 0; });
    g.members.resize(static_cast<std::size_t>(areas + (has_unassigned ? 1 : 0)));
    g.of.resize(area_of_row.size());
    for (std::size_t r = 0; r < area_of_row.size(); ++r) {
        const std::int64_t group = area_of_row[r] >= 0 ? area_of_row[r] : areas;
        g.of[r] = group;
        g.members[static_cast<std::size_t>(group)].push_back(static_cast<Index>(r));
    }
    return g;
}

Eigen::VectorXd scaled_ranks(const Eigen::VectorXd& values, const Groups& groups) {
    return core::scaled_average_ranks(values, groups.members);
}

double scaled_rank_among(const std::vector<double>& sorted_with_own, double own, double v) {
    const auto lo = std::lower_bound(sorted_with_own.begin(), sorted_with_own.end(), v);
    const auto hi = std::upper_bound(lo, sorted_with_own.end(), v);
    double less = static_cast<double>(lo - sorted_with_own.begin());
    double equal = static_cast<double>(hi - lo);
    if (!std::isnan(own)) {
        if (own < v) less -= 1.0;
        else if (own == v) equal -= 1.0;
    }
    const double count = static_cast<double>(sorted_with_own.size());
    return (less + 1.0 + 0.5 * equal) / count;
}

double oriented(double raw, const IndicatorPlan& plan) {
    double t = std::clamp(raw, plan.clip_low, plan.clip_high);
    if (plan.transform == Transform::Log) t = std::log(t + plan.log_offset);
    return plan.sign * t;
}

namespace {

bool rank_transform(Transform t) { return t == Transform::Rank || t == Transform::ImdExponential; }

double from_rank(double r, Transform t) { return t == Transform::ImdExponential ? imd_exponential(r) : r; }

// A goalpost or reference value in raw units, taken through the same log and orientation.
double oriented_constant(double raw, const IndicatorPlan& plan) {
    double t = raw;
    if (plan.transform == Transform::Log) t = std::log(t + plan.log_offset);
    return plan.sign * t;
}

}  // namespace

Eigen::VectorXd normalise_column(const Eigen::VectorXd& raw, const IndicatorPlan& plan, Normalisation normalisation,
                                 const Groups& groups, std::vector<ColumnFit>* fits, std::vector<std::string>* warnings) {
    const Index rows = raw.size();
    Eigen::VectorXd o(rows);
    for (Index r = 0; r < rows; ++r) {
        if (std::isnan(raw(r))) {
            o(r) = kUnset;
            continue;
        }
        const double clipped = std::clamp(raw(r), plan.clip_low, plan.clip_high);
        if (plan.transform == Transform::Log && !(clipped + plan.log_offset > 0.0))
            throw InputError("scoring: indicator '" + plan.name + "' has value " + std::to_string(clipped) + " at row " +
                             std::to_string(r + 1) + "; the log transform needs values above " +
                             std::to_string(-plan.log_offset) + " (set log_offset)");
        o(r) = oriented(raw(r), plan);
    }
    Eigen::VectorXd t = rank_transform(plan.transform) ? scaled_ranks(o, groups) : o;
    if (rank_transform(plan.transform) && plan.transform == Transform::ImdExponential)
        for (Index r = 0; r < rows; ++r)
            if (!std::isnan(t(r))) t(r) = imd_exponential(t(r));

    Eigen::VectorXd y = Eigen::VectorXd::Constant(rows, kUnset);
    if (fits) fits->assign(groups.members.size(), ColumnFit{});
    if (normalisation == Normalisation::PercentileRank) y = scaled_ranks(t, groups);

    for (std::size_t g = 0; g < groups.members.size(); ++g) {
        const auto& members = groups.members[g];
        ColumnFit fit;
        double n = 0.0, lo = kInf, hi = -kInf;
        for (Index r : members) {
            if (std::isnan(t(r))) continue;
            n += 1.0;
            lo = std::min(lo, t(r));
            hi = std::max(hi, t(r));
        }
        // Finite values near the top of the double range (1e200, 1.7e308) overflow a sum or a
        // square. Above 1e150 the moments are taken on values divided by a power of two, which
        // is exact, so ordinary columns get the very same numbers as before.
        const double unit = magnitude_unit(std::max(std::abs(lo), std::abs(hi)), 1e150);
        double sum = 0.0;
        for (Index r : members)
            if (!std::isnan(t(r))) sum += t(r) / unit;
        if (fits && rank_transform(plan.transform)) {
            for (Index r : members)
                if (!std::isnan(o(r))) fit.sorted_oriented.push_back(o(r));
            std::sort(fit.sorted_oriented.begin(), fit.sorted_oriented.end());
        }
        const double mean = n > 0.0 ? sum / n : 0.0;  // in `unit`s
        const bool flat = n > 0.0 && !(hi > lo);
        auto note_flat = [&] {
            if (warnings && flat)
                warnings->push_back("indicator '" + plan.name + "' has no spread" +
                                    (groups.members.size() > 1 ? " in area group " + std::to_string(g + 1) : std::string()) +
                                    "; it does not separate those zones");
        };
        switch (normalisation) {
            case Normalisation::None: break;
            case Normalisation::MinMax:
            case Normalisation::MinMax10: {
                const double top = normalisation == Normalisation::MinMax10 ? 10.0 : 1.0;
                note_flat();
                // A column with no spread sits mid-scale: it says nothing about relative need.
                if (flat) {
                    fit.scale = 0.0;
                    fit.offset = 0.5 * top;
                } else {
                    fit.scale = top / (hi / unit - lo / unit) / unit;
                    fit.offset = -lo * fit.scale;
                }
                break;
            }
            case Normalisation::ZScore: {
                double ss = 0.0;
                for (Index r : members)
                    if (!std::isnan(t(r))) ss += (t(r) / unit - mean) * (t(r) / unit - mean);
                const double sd = n > 1.0 ? std::sqrt(ss / (n - 1.0)) : 0.0;  // in `unit`s
                note_flat();
                fit.scale = sd > 0.0 ? 1.0 / sd / unit : 0.0;
                fit.offset = sd > 0.0 ? -mean / sd : 0.0;
                break;
            }
            case Normalisation::PercentileRank:
                if (fits) {
                    for (Index r : members)
                        if (!std::isnan(t(r))) fit.sorted_transformed.push_back(t(r));
                    std::sort(fit.sorted_transformed.begin(), fit.sorted_transformed.end());
                }
                break;
            case Normalisation::DistanceToReference: {
                if (rank_transform(plan.transform) && !std::isnan(plan.reference_value))
                    throw ConfigError("scoring: indicator '" + plan.name +
                                      "': a reference_value cannot be combined with a rank transform");
                const double ref = std::isnan(plan.reference_value) ? mean * unit : oriented_constant(plan.reference_value, plan);
                if (!(std::abs(ref) > 0.0))
                    throw ConfigError("scoring: indicator '" + plan.name +
                                      "': distance to a reference needs a non-zero reference value (the reference is " +
                                      std::to_string(ref) + ")");
                fit.scale = 1.0 / std::abs(ref);
                fit.offset = -ref / std::abs(ref);
                break;
            }
            case Normalisation::Goalposts: {
                if (std::isnan(plan.goalpost_low) || std::isnan(plan.goalpost_high) || !(plan.goalpost_high > plan.goalpost_low))
                    throw ConfigError("scoring: indicator '" + plan.name +
                                      "': goalposts need goalposts = [low, high] with high > low, in the indicator's units");
                if (rank_transform(plan.transform))
                    throw ConfigError("scoring: indicator '" + plan.name +
                                      "': goalposts cannot be combined with a rank transform");
                double a = oriented_constant(plan.goalpost_low, plan), b = oriented_constant(plan.goalpost_high, plan);
                if (a > b) std::swap(a, b);
                fit.scale = 1.0 / (b - a);
                fit.offset = -a / (b - a);
                fit.clip01 = true;
                break;
            }
        }
        if (normalisation != Normalisation::PercentileRank) {
            for (Index r : members) {
                if (std::isnan(t(r))) continue;
                double v = normalisation == Normalisation::None ? t(r) : fit.scale * t(r) + fit.offset;
                if (fit.clip01) v = std::clamp(v, 0.0, fit.clip_top);
                y(r) = v;
            }
        }
        if (fits) (*fits)[g] = std::move(fit);
    }
    return y;
}

double normalise_value(double raw, double own_raw, const IndicatorPlan& plan, Normalisation normalisation, const ColumnFit& fit) {
    if (std::isnan(raw)) return kUnset;
    double clipped = std::clamp(raw, plan.clip_low, plan.clip_high);
    if (plan.transform == Transform::Log && !(clipped + plan.log_offset > 0.0)) clipped = std::nextafter(-plan.log_offset, kInf);
    auto transformed = [&](double x, double own) {
        const IndicatorPlan& p = plan;
        const double o = p.sign * (p.transform == Transform::Log ? std::log(x + p.log_offset) : x);
        if (!rank_transform(p.transform)) return o;
        const double own_o = std::isnan(own) ? kUnset : oriented(own, p);
        return from_rank(scaled_rank_among(fit.sorted_oriented, own_o, o), p.transform);
    };
    const double t = transformed(clipped, own_raw);
    if (normalisation == Normalisation::PercentileRank) {
        const double own_t =
            std::isnan(own_raw) ? kUnset : transformed(std::clamp(own_raw, plan.clip_low, plan.clip_high), own_raw);
        return scaled_rank_among(fit.sorted_transformed, own_t, t);
    }
    if (normalisation == Normalisation::None) return t;
    double v = fit.scale * t + fit.offset;
    if (fit.clip01) v = std::clamp(v, 0.0, fit.clip_top);
    return v;
}

Eigen::VectorXd transform_scores(const Eigen::VectorXd& scores, Transform transform, const Groups& groups) {
    if (transform == Transform::None) return scores;
    if (transform == Transform::Log) {
        Eigen::VectorXd out = scores;
        for (Index r = 0; r < out.size(); ++r) out(r) = std::log(out(r));
        return out;
    }
    Eigen::VectorXd out = scaled_ranks(scores, groups);
    if (transform == Transform::ImdExponential)
        for (Index r = 0; r < out.size(); ++r)
            if (!std::isnan(out(r))) out(r) = imd_exponential(out(r));
    return out;
}

IndicatorStats describe(const std::string& name, const Eigen::VectorXd& values) {
    IndicatorStats s;
    s.name = name;
    double n = 0.0, sum = 0.0;
    s.min = kInf;
    s.max = -kInf;
    for (Index r = 0; r < values.size(); ++r) {
        if (std::isnan(values(r))) {
            ++s.missing;
            continue;
        }
        n += 1.0;
        sum += values(r);
        s.min = std::min(s.min, values(r));
        s.max = std::max(s.max, values(r));
    }
    if (n == 0.0) {
        s.min = s.max = kUnset;
        return s;
    }
    // Fourth powers overflow from about 1e77: huge columns are described in units of a power of
    // two (exact), ordinary ones exactly as before.
    const double unit = magnitude_unit(std::max(std::abs(s.min), std::abs(s.max)), 1e50);
    double scaled_sum = 0.0;
    for (Index r = 0; r < values.size(); ++r)
        if (!std::isnan(values(r))) scaled_sum += values(r) / unit;
    const double mean = unit == 1.0 ? sum / n : scaled_sum / n;
    s.mean = mean * unit;
    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (Index r = 0; r < values.size(); ++r) {
        if (std::isnan(values(r))) continue;
        const double d = values(r) / unit - mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    s.sd = n > 1.0 ? std::sqrt(m2 / (n - 1.0)) * unit : 0.0;
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // Moment skewness and excess kurtosis, as in the JRC outlier rule (|skew| > 2, kurtosis > 3.5).
    s.skewness = m2 > 0.0 ? m3 / std::pow(m2, 1.5) : 0.0;
    s.kurtosis = m2 > 0.0 ? m4 / (m2 * m2) - 3.0 : 0.0;
    return s;
}

double quantile_linear(std::vector<double> values, double p) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    if (values.empty()) return kUnset;
    std::sort(values.begin(), values.end());
    const double h = p * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

std::string to_string(Normalisation value) { return core::enum_name(value); }
std::string to_string(Transform value) { return core::enum_name(value); }
std::string to_string(MissingValues value) { return core::enum_name(value); }
std::string to_string(Aggregation value) { return core::enum_name(value); }
std::string to_string(Weighting value) { return core::enum_name(value); }

}  // namespace furthest::scoring_detail
