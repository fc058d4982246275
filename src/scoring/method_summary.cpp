// The method in plain words a board paper can quote, and as JSON for the run manifest.
#include "furthest/scoring.hpp"
#include "scoring/scoring_internal.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace furthest {
namespace scoring_detail {
namespace {

std::string pct(double share) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * share);
    return buffer;
}

std::string fmt(double v, const char* format = "%.3g") {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, format, v);
    return buffer;
}

std::string with_commas(std::int64_t v) {
    std::string digits = std::to_string(v < 0 ? -v : v), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return v < 0 ? "-" + out : out;
}

std::string list(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
        out += names[i];
    }
    return out;
}

std::string describe_normalisation(Normalisation n) {
    switch (n) {
        case Normalisation::None: return "left on their own scales (no normalisation)";
        case Normalisation::MinMax: return "rescaled to 0-1 by min-max (0 = least need, 1 = most need in the reference set)";
        case Normalisation::MinMax10: return "rescaled to 0-10 by min-max (0 = least need, 10 = most need in the reference set)";
        case Normalisation::ZScore: return "turned into z-scores (the value minus the mean, divided by the standard deviation)";
        case Normalisation::PercentileRank:
            return "turned into percentile ranks (the share of zones at or below the value, ties averaged)";
        case Normalisation::DistanceToReference:
            return "expressed as the relative distance to a reference value ((value - reference) / |reference|)";
        case Normalisation::Goalposts: return "placed between fixed goalposts (0 at the lower, 1 at the upper goalpost, clipped)";
    }
    return "";
}

}  // namespace

std::string method_summary(const ScoringSpec& spec, const Model& model, const ScoringResult& result, Index zones_given) {
    std::ostringstream s;
    const Index k = model.k, d = model.d;
    const bool flat =
        std::all_of(spec.indicators.begin(), spec.indicators.end(), [](const ScoringIndicator& i) { return i.domain.empty(); });
    s << "Need index for " << with_commas(model.rows) << " zones";
    if (model.rows != zones_given) s << " (of " << with_commas(zones_given) << " given)";
    s << " from " << k << (k == 1 ? " indicator" : " indicators");
    if (!flat) s << " in " << d << " domains";
    s << ". Higher scores mean more need; rank 1 is the zone in most need and decile 1 is the tenth of zones in most need, "
         "as in the English Indices of Deprivation.";

    // Missing values.
    std::vector<std::string> missing;
    for (const auto& rep : result.imputed) {
        const std::string count = with_commas(static_cast<std::int64_t>(rep.zones.size()));
        if (rep.method == "dropped" && rep.indicator == "(all indicators)")
            missing.push_back(count + " zone(s) with no values at all were left out");
        else if (rep.method == "dropped")
            missing.push_back(rep.indicator + ": " + count + " zone(s) with a blank value were left out");
        else if (rep.method == "flag")
            missing.push_back(
                rep.indicator + ": " + count +
                " blank value(s) were left blank and those zones scored on the indicators they have (weights re-scaled, flagged)");
        else if (rep.method == "area_mean")
            missing.push_back(rep.indicator + ": " + count +
                              " blank value(s) were replaced by the mean of the zone's partnership area");
        else missing.push_back(rep.indicator + ": " + count + " blank value(s) were replaced by the " + rep.method);
    }
    s << (missing.empty() ? " No indicator had blank values." : " Missing values: " + list(missing) + ".");

    // Outliers.
    std::vector<std::string> clipped;
    for (const auto& w : result.winsorised)
        clipped.push_back(w.indicator + " (" + std::to_string(w.clipped_low + w.clipped_high) + " value(s) clipped to " +
                          fmt(w.low, "%.4g") + " .. " + fmt(w.high, "%.4g") + ")");
    if (!clipped.empty()) s << " Outliers were winsorised: " << list(clipped) << ".";

    // Direction and transforms.
    std::vector<std::string> reversed, logged, ranked, exponential;
    for (const auto& p : model.plans) {
        if (p.sign < 0) reversed.push_back(p.name);
        if (p.transform == Transform::Log) logged.push_back(p.name);
        if (p.transform == Transform::Rank) ranked.push_back(p.name);
        if (p.transform == Transform::ImdExponential) exponential.push_back(p.name);
    }
    if (!reversed.empty()) s << " Indicators where lower values mean more need were reversed: " << list(reversed) << ".";
    if (!logged.empty()) s << " Natural logarithms were taken of " << list(logged) << " to reduce skew.";
    if (!ranked.empty())
        s << " " << list(ranked) << (ranked.size() == 1 ? " was" : " were") << " replaced by need ranks scaled to (0, 1].";
    if (!exponential.empty())
        s << " " << list(exponential) << (exponential.size() == 1 ? " was" : " were")
          << " ranked and given the IoD exponential transform X = -23 ln(1 - R (1 - exp(-100/23))), which runs from 0 to 100 and stretches the tail in most need.";

    // Normalisation.
    const std::string reference = spec.reference == ReferenceSet::Area ? "within each partnership area" : "over all zones given";
    std::vector<Normalisation> used;
    for (const auto& p : model.plans)
        if (std::find(used.begin(), used.end(), p.normalisation) == used.end()) used.push_back(p.normalisation);
    if (used.size() == 1) {
        s << " Indicators were " << describe_normalisation(used[0]) << ", with statistics taken " << reference << ".";
    } else {
        s << " Normalisation differed by indicator (";
        std::vector<std::string> parts;
        for (const auto& p : model.plans) parts.push_back(p.name + ": " + to_string(p.normalisation));
        s << list(parts) << "), with statistics taken " << reference << ".";
    }

    // Weights and aggregation.
    auto weight_list = [&](bool domains) {
        std::vector<std::string> parts;
        if (domains) {
            for (Index dd = 0; dd < d; ++dd)
                parts.push_back(model.domain_names[static_cast<std::size_t>(dd)] + " " + pct(model.domain_weight(dd)));
        } else {
            for (Index j = 0; j < k; ++j)
                parts.push_back(model.plans[static_cast<std::size_t>(j)].name + " " + pct(result.effective_weights(j)));
        }
        return list(parts);
    };
    const Weighting top_weighting = flat ? spec.weighting : spec.domain_weighting;
    auto weighting_words = [](Weighting w) {
        return w == Weighting::Equal ? std::string("equal weights")
               : w == Weighting::Pca ? std::string("weights from principal components")
                                     : std::string("the weights given");
    };
    if (flat) {
        s << " The index is the weighted " << to_string(model.index_aggregation) << " mean of the indicators with "
          << weighting_words(top_weighting) << ": " << weight_list(false) << ".";
    } else {
        bool any_geo_domain = false;
        for (auto a : model.domain_aggregation) any_geo_domain = any_geo_domain || a == Aggregation::Geometric;
        s << " Within each domain, indicators were combined by a weighted "
          << (any_geo_domain ? "mean (arithmetic or geometric as set per domain)" : "arithmetic mean") << " with "
          << weighting_words(spec.weighting) << "; the domains were combined into the index by a weighted "
          << to_string(model.index_aggregation) << " mean with " << weighting_words(top_weighting) << ": " << weight_list(true)
          << ". Each indicator's overall weight: " << weight_list(false) << ".";
    }
    // Explicit weights are used as given, not rescaled behind the reader's back: where unequal weights
    // at a level do not sum to one, list them as given beside the shares used above.
    {
        auto off_one = [](const Eigen::VectorXd& w) {
            return w.size() > 1 && std::abs(w.sum() - 1.0) > 1e-9 && !(w.array() == w(0)).all();
        };
        std::vector<std::string> given;
        if (off_one(result.domain_weights_given))
            for (Index dd = 0; dd < d; ++dd)
                given.push_back(model.domain_names[static_cast<std::size_t>(dd)] + " " +
                                fmt(result.domain_weights_given(dd), "%.6g"));
        if (result.indicator_weights_given.size() == k)
            for (Index dd = 0; dd < d; ++dd) {
                const auto du = static_cast<std::size_t>(dd);
                if (model.domain_size[du] < 2) continue;
                Eigen::VectorXd w(model.domain_size[du]);
                for (Index c = 0; c < w.size(); ++c)
                    w(c) =
                        result.indicator_weights_given(model.indicator_of[static_cast<std::size_t>(model.domain_start[du] + c)]);
                if (!off_one(w)) continue;
                for (Index c = 0; c < w.size(); ++c)
                    given.push_back(model
                                        .plans[static_cast<std::size_t>(
                                            model.indicator_of[static_cast<std::size_t>(model.domain_start[du] + c)])]
                                        .name +
                                    " " + fmt(w(c), "%.6g"));
            }
        if (!given.empty())
            s << " The weights were given as " << list(given)
              << "; they do not sum to one and were used as given, each weighing by its share of the sum (the percentages above).";
    }
    std::vector<std::string> transformed_domains;
    Transform domain_transform = Transform::None;
    for (Index dd = 0; dd < d; ++dd)
        if (model.domain_transform[static_cast<std::size_t>(dd)] != Transform::None) {
            transformed_domains.push_back(model.domain_names[static_cast<std::size_t>(dd)]);
            domain_transform = model.domain_transform[static_cast<std::size_t>(dd)];
        }
    if (!transformed_domains.empty())
        s << " Before they were combined, the scores of " << list(transformed_domains) << " were ranked " << reference
          << " and transformed (" << to_string(domain_transform)
          << "), as the IoD does with its domains, so that high need in one domain is only partly offset by low need in another.";
    const bool geometric_used = model.any_geometric();
    s << " The arithmetic mean is fully compensatory: low need on one indicator can fully offset high need on another, in proportion to their weights.";
    if (geometric_used)
        s << " The geometric mean is only partly compensatory: it rewards balanced profiles, so a zone in very high need on one indicator is not averaged away, and it needs values above 0.";
    for (const auto& p : result.pca) {
        s << " Principal components of " << p.level << " (" << with_commas(p.rows)
          << " complete zones): the first component explains " << pct(p.explained.size() ? p.explained(0) : 0.0)
          << " of the variance";
        if (p.components > 1) s << ", the first " << p.components << " together " << pct(p.explained.head(p.components).sum());
        s << "; weights are the squared loadings weighted by each component's share of the variance.";
    }
    s << " Each indicator's contribution is its exact share of a zone's score, so contributions add up to the score.";

    // Correlations (JRC audit practice: redundancy and trade-offs).
    if (k > 1 && result.correlation.size() != 0) {
        double best = -2.0, worst = 2.0;
        Index ba = 0, bb = 1, wa = 0, wb = 1;
        for (Index a = 0; a < k; ++a)
            for (Index b = a + 1; b < k; ++b) {
                const double c = result.correlation(a, b);
                if (std::isnan(c)) continue;
                if (c > best) {
                    best = c;
                    ba = a;
                    bb = b;
                }
                if (c < worst) {
                    worst = c;
                    wa = a;
                    wb = b;
                }
            }
        if (best > -2.0) {
            s << " The most strongly correlated indicators are " << model.plans[static_cast<std::size_t>(ba)].name << " and "
              << model.plans[static_cast<std::size_t>(bb)].name << " (r = " << fmt(best, "%.2f") << ")";
            if (worst < 0.0)
                s << "; " << model.plans[static_cast<std::size_t>(wa)].name << " and "
                  << model.plans[static_cast<std::size_t>(wb)].name << " are negatively correlated (r = " << fmt(worst, "%.2f")
                  << "), so in a compensatory mean they partly cancel";
            s << ".";
        }
    }

    // Map classes.
    const char* method = spec.classes.method == ClassMethod::Quantiles       ? "quantiles"
                         : spec.classes.method == ClassMethod::EqualInterval ? "equal intervals"
                         : spec.classes.method == ClassMethod::FisherJenks   ? "Fisher-Jenks natural breaks (exact)"
                                                                             : "breaks given by the user";
    s << " Map classes: " << result.class_breaks.size() << " classes by " << method << ".";

    // Uncertainty.
    const auto& u = result.uncertainty;
    if (u.draws > 0) {
        std::vector<std::string> varied;
        if (spec.uncertainty.weights == WeightUncertainty::Dirichlet)
            varied.push_back("weights drawn from a Dirichlet distribution centred on the nominal weights (concentration " +
                             fmt(spec.uncertainty.concentration, "%g") + ")");
        if (spec.uncertainty.weights == WeightUncertainty::Percent)
            varied.push_back("each weight moved by up to " + fmt(spec.uncertainty.percent, "%g") + "% either way");
        if (!spec.uncertainty.normalisations.empty()) {
            std::vector<std::string> names;
            for (auto n : spec.uncertainty.normalisations) names.push_back(to_string(n));
            varied.push_back("the normalisation, chosen at random among " + list(names));
        }
        if (spec.uncertainty.drop_one && k > 1) varied.push_back("one indicator left out at a time (or none, equally likely)");
        bool noise = false;
        for (Index f = 0; f < static_cast<Index>(u.factors.size()); ++f)
            noise = noise || u.factors[static_cast<std::size_t>(f)].rfind("noise", 0) == 0;
        if (noise) varied.push_back("each indicator value perturbed by normal noise with its standard error");
        s << " Uncertainty: " << with_commas(u.draws) << " Monte Carlo draws (seed " << spec.uncertainty.seed << ") varied "
          << list(varied)
          << ". For each zone we report the median rank, the 90% interval of its ranks (5th to 95th percentile), and the share of draws in which it is "
             "in the top decile and among the first "
          << spec.top_n_in_area << " zones of its partnership area.";
        std::vector<double> widths;
        for (Index z = 0; z < u.p95_rank.size(); ++z)
            if (!std::isnan(u.p95_rank(z))) widths.push_back(u.p95_rank(z) - u.p05_rank(z));
        if (!widths.empty()) {
            std::nth_element(widths.begin(), widths.begin() + static_cast<std::ptrdiff_t>(widths.size() / 2), widths.end());
            s << " The median width of those intervals is " << fmt(widths[widths.size() / 2], "%.0f") << " ranks.";
        }
        if (!u.factors.empty())
            s << " To explain the intervals, each source was also changed one at a time; for each zone we name the single change that moves its rank most.";
    }
    return s.str();
}

}  // namespace scoring_detail

std::string scoring_method_json(const ScoringResult& result) {
    using nlohmann::json;
    auto finite = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    auto vec = [&](const Eigen::VectorXd& v) {
        json a = json::array();
        for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(finite(v(i)));
        return a;
    };
    auto mat = [&](const Eigen::MatrixXd& m) {
        json a = json::array();
        for (Eigen::Index i = 0; i < m.rows(); ++i) a.push_back(vec(m.row(i).transpose()));
        return a;
    };
    json j;
    j["summary"] = result.method_summary;
    j["indicators"] = result.indicators;
    j["domains"] = result.domains;
    j["indicator_domain"] = result.indicator_domain;
    j["indicator_weights"] = vec(result.indicator_weights);
    j["domain_weights"] = vec(result.domain_weights);
    j["effective_weights"] = vec(result.effective_weights);
    // Explicit weights as given (null when not explicit); the weights used are their shares above.
    j["weights_given"] = {{"indicators", result.indicator_weights_given.size() ? vec(result.indicator_weights_given) : json()},
                          {"domains", result.domain_weights_given.size() ? vec(result.domain_weights_given) : json()}};
    j["correlation"] = mat(result.correlation);
    j["class_breaks"] = result.class_breaks;
    json pca = json::array();
    for (const auto& p : result.pca)
        pca.push_back({{"level", p.level},
                       {"variables", p.variables},
                       {"eigenvalues", vec(p.eigenvalues)},
                       {"explained", vec(p.explained)},
                       {"components", p.components},
                       {"weights", vec(p.weights)},
                       {"rows", p.rows}});
    j["pca"] = pca;
    json stats = json::array();
    for (const auto& s : result.stats)
        stats.push_back({{"name", s.name},
                         {"missing", s.missing},
                         {"mean", finite(s.mean)},
                         {"sd", finite(s.sd)},
                         {"min", finite(s.min)},
                         {"max", finite(s.max)},
                         {"skewness", finite(s.skewness)},
                         {"kurtosis", finite(s.kurtosis)}});
    j["indicator_stats"] = stats;
    json winsor = json::array();
    for (const auto& w : result.winsorised)
        winsor.push_back({{"indicator", w.indicator},
                          {"low", finite(w.low)},
                          {"high", finite(w.high)},
                          {"clipped_low", w.clipped_low},
                          {"clipped_high", w.clipped_high}});
    j["winsorised"] = winsor;
    json imputed = json::array();
    for (const auto& m : result.imputed)
        imputed.push_back({{"indicator", m.indicator}, {"method", m.method}, {"zones", m.zones.size()}});
    j["missing_values"] = imputed;
    j["zones_dropped"] = result.dropped_zones.size();
    j["warnings"] = result.warnings;
    j["uncertainty"] = {{"draws", result.uncertainty.draws}, {"factors", result.uncertainty.factors}};
    return j.dump();
}

}  // namespace furthest
