// The scoring engine on small tables whose answers can be worked out by hand.
#include "furthest/columns.hpp"
#include "furthest/control.hpp"
#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stop_token>
#include <thread>

using namespace furthest;

namespace {

const double nan_ = std::numeric_limits<double>::quiet_NaN();

ScoringIndicator indicator(const std::string& name, Direction direction = Direction::HigherIsMoreNeed, double weight = 1.0,
                           const std::string& domain = "") {
    ScoringIndicator i;
    i.name = name;
    i.direction = direction;
    i.weight = weight;
    i.domain = domain;
    return i;
}

Eigen::MatrixXd column(std::initializer_list<double> values) {
    Eigen::MatrixXd m(static_cast<Eigen::Index>(values.size()), 1);
    Eigen::Index i = 0;
    for (double v : values) m(i++, 0) = v;
    return m;
}

ScoringResult score_one(const Eigen::MatrixXd& values, ScoringIndicator ind, Normalisation n) {
    ScoringSpec spec;
    spec.normalisation = n;
    spec.indicators = {std::move(ind)};
    ScoringInput input;
    input.values = values;
    return score_zones(input, spec);
}

void expect_rows_sum_to_score(const ScoringResult& r) {
    for (Eigen::Index z = 0; z < r.score.size(); ++z) {
        if (!std::isnan(r.score(z))) {
            EXPECT_NEAR(r.contributions.row(z).sum(), r.score(z), 1e-9) << "zone " << z;
        }
    }
}

}  // namespace

TEST(Normalise, MinMaxReversesLowerIsMoreNeed) {
    const auto r = score_one(column({1, 2, 3}), indicator("x", Direction::LowerIsMoreNeed), Normalisation::MinMax);
    EXPECT_DOUBLE_EQ(r.score(0), 1.0);
    EXPECT_DOUBLE_EQ(r.score(1), 0.5);
    EXPECT_DOUBLE_EQ(r.score(2), 0.0);
    EXPECT_EQ(r.rank, (std::vector<std::int64_t>{1, 2, 3}));
    const auto ten = score_one(column({1, 2, 3}), indicator("x"), Normalisation::MinMax10);
    EXPECT_DOUBLE_EQ(ten.score(1), 5.0);
    EXPECT_DOUBLE_EQ(ten.score(2), 10.0);
}

TEST(Normalise, PercentileRankAveragesTies) {
    // Ascending average ranks 3.5, 1, 3.5, 2 out of 4.
    const auto r = score_one(column({5, 1, 5, 3}), indicator("x"), Normalisation::PercentileRank);
    EXPECT_DOUBLE_EQ(r.score(0), 0.875);
    EXPECT_DOUBLE_EQ(r.score(1), 0.25);
    EXPECT_DOUBLE_EQ(r.score(2), 0.875);
    EXPECT_DOUBLE_EQ(r.score(3), 0.5);
    EXPECT_EQ(r.rank, (std::vector<std::int64_t>{1, 4, 1, 3}));
}

TEST(Normalise, GoalpostsClipAndDistanceToReference) {
    ScoringIndicator g = indicator("x");
    g.goalpost_low = 0;
    g.goalpost_high = 10;
    const auto r = score_one(column({-5, 5, 15}), g, Normalisation::Goalposts);
    EXPECT_DOUBLE_EQ(r.score(0), 0.0);
    EXPECT_DOUBLE_EQ(r.score(1), 0.5);
    EXPECT_DOUBLE_EQ(r.score(2), 1.0);
    g.direction = Direction::LowerIsMoreNeed;  // lower is worse: 1 at the low goalpost
    const auto flipped = score_one(column({-5, 5, 15}), g, Normalisation::Goalposts);
    EXPECT_DOUBLE_EQ(flipped.score(0), 1.0);
    EXPECT_DOUBLE_EQ(flipped.score(2), 0.0);
    ScoringIndicator d = indicator("x");
    d.reference_value = 10;
    const auto dist = score_one(column({5, 10, 20}), d, Normalisation::DistanceToReference);
    EXPECT_DOUBLE_EQ(dist.score(0), -0.5);
    EXPECT_DOUBLE_EQ(dist.score(1), 0.0);
    EXPECT_DOUBLE_EQ(dist.score(2), 1.0);
}

TEST(Transform, ImdExponentialRunsFromZeroToHundred) {
    EXPECT_NEAR(imd_exponential(1.0), 100.0, 1e-12);
    EXPECT_NEAR(imd_exponential(0.0), 0.0, 1e-12);
    EXPECT_NEAR(imd_exponential(0.5), -23.0 * std::log(1.0 - 0.5 * (1.0 - std::exp(-100.0 / 23.0))), 1e-12);
    // Four zones, rank transform then exponential: R = 0.25, 0.5, 0.75, 1 by need.
    ScoringIndicator i = indicator("x");
    i.transform = Transform::ImdExponential;
    const auto r = score_one(column({10, 40, 20, 30}), i, Normalisation::None);
    EXPECT_NEAR(r.score(1), 100.0, 1e-9);
    EXPECT_NEAR(r.score(0), imd_exponential(0.25), 1e-12);
    EXPECT_NEAR(r.score(2), imd_exponential(0.5), 1e-12);
    i.transform = Transform::Log;
    const auto l = score_one(column({1, std::exp(1.0), std::exp(2.0)}), i, Normalisation::None);
    EXPECT_NEAR(l.score(2), 2.0, 1e-12);
}

TEST(Aggregate, DomainsThenIndexWithContributions) {
    // Domain A = 0.25 a1 + 0.75 a2, domain B = b; index = 0.75 A + 0.25 B (no normalisation).
    ScoringSpec spec;
    spec.normalisation = Normalisation::None;
    spec.indicators = {indicator("a1", Direction::HigherIsMoreNeed, 1, "A"), indicator("a2", Direction::HigherIsMoreNeed, 3, "A"),
                       indicator("b", Direction::HigherIsMoreNeed, 1, "B")};
    spec.domains = {{"A", 3.0, Transform::None, std::nullopt}, {"B", 1.0, Transform::None, std::nullopt}};
    ScoringInput input;
    input.values.resize(2, 3);
    input.values << 4, 8, 2, 0, 4, 10;
    const auto r = score_zones(input, spec);
    EXPECT_NEAR(r.score(0), 0.75 * (0.25 * 4 + 0.75 * 8) + 0.25 * 2, 1e-12);
    EXPECT_NEAR(r.score(1), 0.75 * (0.25 * 0 + 0.75 * 4) + 0.25 * 10, 1e-12);
    EXPECT_NEAR(r.contributions(0, 1), 0.75 * 0.75 * 8, 1e-12);
    EXPECT_NEAR(r.effective_weights(0), 0.1875, 1e-12);
    EXPECT_NEAR(r.domain_scores(0, 0), 7.0, 1e-12);
    expect_rows_sum_to_score(r);
}

TEST(Aggregate, GeometricMeanAndItsContributions) {
    ScoringSpec spec;
    spec.normalisation = Normalisation::None;
    spec.aggregation = Aggregation::Geometric;
    spec.indicators = {indicator("a"), indicator("b")};
    ScoringInput input;
    input.values.resize(2, 2);
    input.values << 1, 4, 2, 8;
    const auto r = score_zones(input, spec);
    EXPECT_NEAR(r.score(0), 2.0, 1e-12);
    EXPECT_NEAR(r.score(1), 4.0, 1e-12);
    expect_rows_sum_to_score(r);
    // ln 4 = 0.5 ln 2 + 0.5 ln 8: shares 1/4 and 3/4 of the score.
    EXPECT_NEAR(r.contributions(1, 0), 1.0, 1e-12);
    EXPECT_NEAR(r.contributions(1, 1), 3.0, 1e-12);
    input.values(0, 0) = 0.0;
    EXPECT_THROW(score_zones(input, spec), ConfigError);
}

TEST(Aggregate, ImdStyleExponentialDomainsAreCompensatedLess) {
    // Two one-indicator domains, each exponentially transformed by rank before the weighted sum.
    ScoringSpec spec;
    spec.normalisation = Normalisation::None;
    spec.indicators = {indicator("inc", Direction::HigherIsMoreNeed, 1, "income"),
                       indicator("hea", Direction::HigherIsMoreNeed, 1, "health")};
    spec.domains = {{"income", 0.6, Transform::ImdExponential, std::nullopt},
                    {"health", 0.4, Transform::ImdExponential, std::nullopt}};
    ScoringInput input;
    input.values.resize(4, 2);
    input.values << 1, 4, 2, 3, 3, 2, 4, 1;
    const auto r = score_zones(input, spec);
    for (int z = 0; z < 4; ++z) {
        const double ri = (z + 1) / 4.0, rh = (4 - z) / 4.0;
        EXPECT_NEAR(r.score(z), 0.6 * imd_exponential(ri) + 0.4 * imd_exponential(rh), 1e-9);
    }
    expect_rows_sum_to_score(r);
}

TEST(Missing, ImputeDropFlagOrRefuse) {
    ScoringIndicator i = indicator("x");
    i.missing = MissingValues::Mean;
    auto r = score_one(column({1, nan_, 3}), i, Normalisation::None);
    EXPECT_DOUBLE_EQ(r.score(1), 2.0);
    ASSERT_EQ(r.imputed.size(), 1u);
    EXPECT_EQ(r.imputed[0].zones, (std::vector<std::int64_t>{1}));
    i.missing = MissingValues::Median;
    r = score_one(column({1, nan_, 3, 10}), i, Normalisation::None);
    EXPECT_DOUBLE_EQ(r.score(1), 3.0);
    i.missing = MissingValues::Drop;
    r = score_one(column({1, nan_, 3}), i, Normalisation::None);
    EXPECT_TRUE(std::isnan(r.score(1)));
    EXPECT_EQ(r.rank, (std::vector<std::int64_t>{2, 0, 1}));
    EXPECT_EQ(r.dropped_zones, (std::vector<std::int64_t>{1}));
    i.missing = MissingValues::Error;
    try {
        ScoringSpec spec;
        spec.indicators = {i};
        ScoringInput input;
        input.values = column({1, nan_, 3});
        input.zone_ids = {"E01000001", "E01000002", "E01000003"};
        score_zones(input, spec);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("E01000002"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
    }
}

TEST(Missing, FlaggedZonesAreScoredOnWhatTheyHave) {
    ScoringSpec spec;
    spec.normalisation = Normalisation::None;
    spec.missing = MissingValues::Flag;
    spec.indicators = {indicator("a", Direction::HigherIsMoreNeed, 1), indicator("b", Direction::HigherIsMoreNeed, 3)};
    ScoringInput input;
    input.values.resize(3, 2);
    input.values << 1, 3, 2, nan_, nan_, 4;
    const auto r = score_zones(input, spec);
    EXPECT_NEAR(r.score(0), 0.25 * 1 + 0.75 * 3, 1e-12);
    EXPECT_NEAR(r.score(1), 2.0, 1e-12);  // only a, its weight re-scaled to 1
    EXPECT_NEAR(r.score(2), 4.0, 1e-12);
    EXPECT_EQ(r.missing_count, (std::vector<std::int64_t>{0, 1, 1}));
    expect_rows_sum_to_score(r);
}

TEST(Missing, AreaMeanUsesTheZonesArea) {
    ScoringIndicator i = indicator("x");
    i.missing = MissingValues::AreaMean;
    ScoringSpec spec;
    spec.normalisation = Normalisation::None;
    spec.indicators = {i};
    ScoringInput input;
    input.values = column({1, 3, nan_, 10, nan_});
    input.area = {0, 0, 0, 1, 1};
    const auto r = score_zones(input, spec);
    EXPECT_DOUBLE_EQ(r.score(2), 2.0);
    EXPECT_DOUBLE_EQ(r.score(4), 10.0);
}

TEST(Outliers, QuantileWinsorisingIsReported) {
    ScoringIndicator i = indicator("x");
    i.winsorise = Winsorising::Quantiles;
    i.winsorise_low = 0.0;
    i.winsorise_high = 0.9;
    // 1..9 and 100: the 90th percentile by linear interpolation is 9 + 0.1 * 91 = 18.1.
    const auto r = score_one(column({1, 2, 3, 4, 5, 6, 7, 8, 9, 100}), i, Normalisation::None);
    EXPECT_NEAR(r.score(9), 18.1, 1e-12);
    ASSERT_EQ(r.winsorised.size(), 1u);
    EXPECT_EQ(r.winsorised[0].clipped_high, 1);
    EXPECT_EQ(r.winsorised[0].clipped_low, 0);
}

TEST(Outliers, JrcRuleClipsTheExtremeValue) {
    ScoringIndicator i = indicator("x");
    i.winsorise = Winsorising::Jrc;
    Eigen::MatrixXd v(20, 1);
    for (int z = 0; z < 19; ++z) v(z, 0) = z % 5;
    v(19, 0) = 1000;
    const auto r = score_one(v, i, Normalisation::None);
    ASSERT_EQ(r.winsorised.size(), 1u);
    EXPECT_DOUBLE_EQ(r.score(19), 4.0);  // clipped to the next largest value
    EXPECT_EQ(r.winsorised[0].clipped_high, 1);
}

TEST(Reference, WithinAreaMinMaxAndNationalRanksSideBySide) {
    ScoringSpec spec;
    spec.normalisation = Normalisation::MinMax;
    spec.reference = ReferenceSet::Area;
    spec.indicators = {indicator("x")};
    ScoringInput input;
    input.values = column({0, 5, 10, 100, 110});
    input.area = {0, 0, 0, 1, 1};
    const auto r = score_zones(input, spec);
    EXPECT_DOUBLE_EQ(r.score(1), 0.5);
    EXPECT_DOUBLE_EQ(r.score(3), 0.0);
    EXPECT_DOUBLE_EQ(r.score(4), 1.0);
    EXPECT_EQ(r.rank_in_area, (std::vector<std::int64_t>{3, 2, 1, 2, 1}));
    EXPECT_EQ(r.zones_in_area, (std::vector<std::int64_t>{3, 3, 3, 2, 2}));
    EXPECT_EQ(r.national_rank, (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
    EXPECT_EQ(r.area_reference_rank, r.rank_in_area);
}

TEST(Weights, EqualAndPcaOnTwoIndicatorsAreHalves) {
    // Two indicators: the correlation matrix [[1, r], [r, 1]] has eigenvectors (1, +-1)/sqrt 2.
    ScoringSpec spec;
    spec.weighting = Weighting::Pca;
    spec.indicators = {indicator("a"), indicator("b")};
    ScoringInput input;
    input.values.resize(5, 2);
    input.values << 1, 2, 2, 1, 3, 5, 4, 3, 5, 6;
    const auto r = score_zones(input, spec);
    ASSERT_EQ(r.pca.size(), 1u);
    EXPECT_NEAR(r.effective_weights(0), 0.5, 1e-12);
    EXPECT_NEAR(r.effective_weights(1), 0.5, 1e-12);
    const double corr = r.correlation(0, 1);
    EXPECT_NEAR(r.pca[0].eigenvalues(0), 1.0 + corr, 1e-12);
    EXPECT_NEAR(r.pca[0].explained(0), (1.0 + corr) / 2.0, 1e-12);
}

TEST(Classes, FisherJenksFindsTheObviousGroups) {
    const std::vector<double> v = {1, 2, 3, 10, 11, 12, 20, 21};
    EXPECT_EQ(fisher_jenks_breaks(v, 3), (std::vector<double>{3, 12, 21}));
}

TEST(Classes, FisherJenksIsTheExactOptimum) {
    // Against brute force over every split of 12 values into 3 classes.
    std::vector<double> v = {0.3, 7.1, 2.2, 9.9, 4.4, 4.5, 8.0, 1.1, 6.3, 3.3, 5.0, 9.1};
    std::vector<double> x = v;
    std::sort(x.begin(), x.end());
    auto ssq = [&](std::size_t a, std::size_t b) {
        double m = 0;
        for (std::size_t i = a; i < b; ++i) m += x[i];
        m /= static_cast<double>(b - a);
        double s = 0;
        for (std::size_t i = a; i < b; ++i) s += (x[i] - m) * (x[i] - m);
        return s;
    };
    double best = 1e300;
    std::vector<double> best_breaks;
    for (std::size_t i = 1; i < x.size(); ++i)
        for (std::size_t j = i + 1; j < x.size(); ++j) {
            const double total = ssq(0, i) + ssq(i, j) + ssq(j, x.size());
            if (total < best) {
                best = total;
                best_breaks = {x[i - 1], x[j - 1], x.back()};
            }
        }
    EXPECT_EQ(fisher_jenks_breaks(v, 3), best_breaks);
}

TEST(Classes, QuantilesEqualIntervalsAndUserBreaks) {
    const std::vector<double> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ClassSpec q{ClassMethod::Quantiles, 2, {}};
    EXPECT_EQ(class_breaks(v, q), (std::vector<double>{5, 10}));
    ClassSpec e{ClassMethod::EqualInterval, 4, {}};
    EXPECT_EQ(class_breaks(v, e), (std::vector<double>{2.5, 5, 7.5, 10}));
    ClassSpec u{ClassMethod::UserBreaks, 0, {3, 6}};
    const auto breaks = class_breaks(v, u);
    EXPECT_EQ(breaks, (std::vector<double>{3, 6, 10}));
    const auto cls = assign_classes(v, breaks);
    EXPECT_EQ(cls[3], 1);
    EXPECT_EQ(cls[4], 2);
    EXPECT_EQ(cls[10], 3);
}

namespace {

ScoringSpec uncertain_spec(int threads) {
    ScoringSpec spec;
    spec.indicators = {indicator("a", Direction::HigherIsMoreNeed, 2), indicator("b"),
                       indicator("c", Direction::LowerIsMoreNeed)};
    spec.uncertainty.draws = 300;
    spec.uncertainty.seed = 42;
    spec.uncertainty.threads = threads;
    spec.uncertainty.batch = 64;
    spec.uncertainty.weights = WeightUncertainty::Dirichlet;
    spec.uncertainty.concentration = 20;
    spec.uncertainty.normalisations = {Normalisation::ZScore, Normalisation::MinMax, Normalisation::PercentileRank};
    spec.uncertainty.drop_one = true;
    spec.uncertainty.keep_draws = true;
    spec.top_n_in_area = 2;
    return spec;
}

ScoringInput uncertain_input() {
    ScoringInput input;
    const int zones = 30;
    input.values.resize(zones, 3);
    for (int z = 0; z < zones; ++z) {
        input.values(z, 0) = std::sin(z * 1.3) * 10 + z * 0.2;
        input.values(z, 1) = std::cos(z * 0.7) * 5 + (z % 7);
        input.values(z, 2) = (z * 37 % 11) + 0.5 * z;
        input.area.push_back(z % 4);
    }
    input.standard_errors = Eigen::MatrixXd::Constant(zones, 3, 0.5);
    return input;
}

}  // namespace

TEST(Uncertainty, SameForOneOrTwoThreadsAndMatchesTheKeptDraws) {
    const auto input = uncertain_input();
    const auto one = score_zones(input, uncertain_spec(1));
    const auto two = score_zones(input, uncertain_spec(2));
    ASSERT_EQ(one.uncertainty.draws, 300);
    EXPECT_TRUE(one.uncertainty.kept_ranks == two.uncertainty.kept_ranks);
    EXPECT_TRUE(one.uncertainty.median_rank == two.uncertainty.median_rank);
    EXPECT_TRUE(one.uncertainty.p_top_n_in_area == two.uncertainty.p_top_n_in_area);
    EXPECT_EQ(one.uncertainty.most_influential, two.uncertainty.most_influential);
    // With 30 zones every rank offset is counted exactly, so the streamed quantiles equal the
    // inverted empirical CDF of the kept draws (NumPy's 'inverted_cdf').
    const auto& kept = one.uncertainty.kept_ranks;
    const Eigen::Index zones = kept.rows();
    for (Eigen::Index z = 0; z < zones; ++z) {
        std::vector<int> r(kept.row(z).data(), kept.row(z).data() + 0);
        for (Eigen::Index b = 0; b < kept.cols(); ++b) r.push_back(kept(z, b));
        std::sort(r.begin(), r.end());
        auto inverted_cdf = [&](double p) {
            return r[static_cast<std::size_t>(std::ceil(p * static_cast<double>(r.size()) - 1e-9)) - 1];
        };
        EXPECT_EQ(one.uncertainty.p05_rank(z), inverted_cdf(0.05)) << z;
        EXPECT_EQ(one.uncertainty.median_rank(z), inverted_cdf(0.5)) << z;
        EXPECT_EQ(one.uncertainty.p95_rank(z), inverted_cdf(0.95)) << z;
        const double top = static_cast<double>(std::count_if(r.begin(), r.end(), [&](int x) { return x * 10 <= zones; }));
        EXPECT_DOUBLE_EQ(one.uncertainty.p_top_decile(z), top / 300.0);
        EXPECT_NEAR(one.uncertainty.mean_rank(z), std::accumulate(r.begin(), r.end(), 0.0) / 300.0, 1e-9);
    }
    // Each draw's ranks are a ranking of all zones.
    for (Eigen::Index b = 0; b < kept.cols(); ++b) EXPECT_EQ(kept.col(b).minCoeff(), 1);
}

TEST(Uncertainty, LeavingOutAnIndicatorIsAFactor) {
    // Two indicators, no other uncertainty: the one-at-a-time factor "leaving out 'a'" ranks by b alone.
    ScoringSpec spec;
    spec.normalisation = Normalisation::MinMax;
    spec.indicators = {indicator("a"), indicator("b")};
    spec.uncertainty.draws = 10;
    spec.uncertainty.weights = WeightUncertainty::None;
    spec.uncertainty.drop_one = true;
    ScoringInput input;
    input.values.resize(4, 2);
    input.values << 10, 0, 8, 1, 0, 3, 1, 2;
    const auto r = score_zones(input, spec);
    ASSERT_EQ(r.uncertainty.factors.size(), 2u);
    EXPECT_EQ(r.uncertainty.factors[0], "leaving out 'a'");
    // Nominal ranks: scores (1+0)/2, (0.8+1/3)/2, (0+1)/2, (0.1+2/3)/2 -> 1/3/1/2 with ties.
    // By b alone the ranks are 4, 3, 1, 2.
    const std::vector<double> by_b = {4, 3, 1, 2};
    for (int z = 0; z < 4; ++z) {
        const auto zu = static_cast<std::size_t>(z);
        EXPECT_EQ(r.uncertainty.factor_shift(z, 0), by_b[zu] - static_cast<double>(r.rank[zu]));
    }
}

TEST(Uncertainty, RefusesDrawsWithNothingVarying) {
    ScoringSpec spec;
    spec.indicators = {indicator("a"), indicator("b")};
    spec.uncertainty.draws = 10;
    spec.uncertainty.weights = WeightUncertainty::None;
    ScoringInput input;
    input.values = Eigen::MatrixXd::Random(5, 2);
    EXPECT_THROW(score_zones(input, spec), ConfigError);
}

TEST(Spec, ParsesTomlAndNamesUnknownKeys) {
    const auto spec = parse_scoring_spec(R"(
normalise = "min_max"
aggregate = "geometric"
reference = "area"
[[indicators]]
name = "income"
direction = "higher_is_more_need"
domain = "deprivation"
weight = 2
winsorise = [0.01, 0.99]
[[indicators]]
column = "broadband"
direction = "lower_is_more_need"
transform = "log"
standard_error = "broadband_se"
[[domains]]
name = "deprivation"
weight = 0.7
transform = "imd_exponential"
[classes]
method = "fisher_jenks"
k = 7
[uncertainty]
draws = 1000
normalisations = ["z_score", "percentile_rank"]
drop_one = true
)");
    ASSERT_EQ(spec.indicators.size(), 2u);
    EXPECT_EQ(spec.normalisation, Normalisation::MinMax);
    EXPECT_EQ(spec.aggregation, Aggregation::Geometric);
    EXPECT_EQ(spec.reference, ReferenceSet::Area);
    EXPECT_EQ(spec.indicators[0].winsorise, Winsorising::Quantiles);
    EXPECT_DOUBLE_EQ(spec.indicators[0].winsorise_high, 0.99);
    EXPECT_EQ(spec.indicators[1].name, "broadband");
    EXPECT_EQ(spec.indicators[1].standard_error_column, "broadband_se");
    EXPECT_EQ(spec.domains[0].transform, Transform::ImdExponential);
    EXPECT_EQ(spec.classes.method, ClassMethod::FisherJenks);
    EXPECT_EQ(spec.uncertainty.draws, 1000);
    EXPECT_EQ(spec.uncertainty.normalisations.size(), 2u);
    try {
        parse_scoring_spec("normalize = 'z_score'\n[[indicators]]\nname = 'x'\n");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean 'normalise'"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse_scoring_spec("[[indicators]]\nname = 'x'\nnormalise = 'zscore'\n"), ConfigError);
}

TEST(Summary, SaysWhatWasDoneInPlainWords) {
    ScoringSpec spec;
    spec.aggregation = Aggregation::Geometric;
    spec.normalisation = Normalisation::PercentileRank;
    spec.indicators = {indicator("income"), indicator("broadband", Direction::LowerIsMoreNeed)};
    ScoringInput input;
    input.values.resize(4, 2);
    input.values << 1, 4, 2, 3, 3, 1, 4, 2;
    const auto r = score_zones(input, spec);
    EXPECT_NE(r.method_summary.find("reversed: broadband"), std::string::npos) << r.method_summary;
    EXPECT_NE(r.method_summary.find("partly compensatory"), std::string::npos);
    EXPECT_NE(r.method_summary.find("percentile ranks"), std::string::npos);
    const std::string json = scoring_method_json(r);
    EXPECT_NE(json.find("\"effective_weights\""), std::string::npos);
}

// Issue 9: a stop request reaches the Monte Carlo within about a second, even with a million
// draws on as many zones as England has LSOAs (33,755), and progress is reported per batch.
TEST(Stopping, AMillionDrawsStopWithinASecond) {
    const Eigen::Index zones = 33755;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal;
    ScoringInput input;
    input.values.resize(zones, 4);
    for (Eigen::Index r = 0; r < zones; ++r)
        for (Eigen::Index c = 0; c < 4; ++c) input.values(r, c) = normal(rng);
    ScoringSpec spec;
    spec.indicators = {indicator("a"), indicator("b"), indicator("c"), indicator("d")};
    spec.uncertainty.draws = 1000000;
    spec.uncertainty.threads = 2;
    spec.uncertainty.normalisations = {Normalisation::ZScore, Normalisation::PercentileRank};
    std::stop_source source;
    Control control;
    control.stop = source.get_token();
    double last_fraction = 0.0;
    int reports = 0;
    control.progress = [&](const Progress& p) {
        if (p.step == "uncertainty draws") {
            EXPECT_GE(p.fraction, last_fraction);
            last_fraction = p.fraction;
            ++reports;
        }
    };
    std::chrono::steady_clock::time_point requested;
    std::jthread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        requested = std::chrono::steady_clock::now();
        source.request_stop();
    });
    EXPECT_THROW(score_zones(input, spec, control), Stopped);
    const std::chrono::duration<double> latency = std::chrono::steady_clock::now() - requested;
    stopper.join();
    EXPECT_LT(latency.count(), 1.5);
    EXPECT_LT(last_fraction, 1.0);
    EXPECT_LT(reports, 1000000 / 128);
}

TEST(Stopping, ProgressIsReportedOncePerBatch) {
    ScoringSpec spec;
    spec.indicators = {indicator("a"), indicator("b")};
    spec.uncertainty.draws = 1000;
    spec.uncertainty.batch = 128;
    ScoringInput input;
    input.values = Eigen::MatrixXd::Random(50, 2);
    std::vector<double> fractions;
    Control control;
    control.progress = [&](const Progress& p) {
        if (p.step == "uncertainty draws") fractions.push_back(p.fraction);
    };
    score_zones(input, spec, control);
    ASSERT_EQ(fractions.size(), 8u);  // ceil(1000 / 128)
    EXPECT_DOUBLE_EQ(fractions.front(), 128.0 / 1000.0);
    EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
}

TEST(Stopping, ARequestBeforeTheStartStopsAtOnce) {
    ScoringSpec spec;
    spec.indicators = {indicator("a"), indicator("b")};
    spec.uncertainty.draws = 1000;
    ScoringInput input;
    input.values = Eigen::MatrixXd::Random(50, 2);
    std::stop_source source;
    source.request_stop();
    Control control;
    control.stop = source.get_token();
    EXPECT_THROW(score_zones(input, spec, control), Stopped);
    EXPECT_NO_THROW(score_zones(input, spec));  // a default Control never stops
}

// Issue 9 item 4: the scoring's columns under the one vocabulary, blank where a zone is not scored.
TEST(Columns, ScoreColumnsUseTheVocabularyAndBlankDroppedZones) {
    ScoringSpec spec;
    spec.indicators = {indicator("income"), indicator("health")};
    spec.missing = MissingValues::Drop;
    spec.uncertainty.draws = 50;
    spec.uncertainty.seed = 3;
    ScoringInput input;
    input.values.resize(4, 2);
    input.values << 1, 2, 3, 4, nan_, 1, 5, 0;
    input.area = {0, 0, 1, 1};
    const ScoringResult r = score_zones(input, spec);
    const std::vector<Column> columns = score_columns(r);
    std::vector<std::string> names;
    for (const auto& c : columns) names.push_back(c.name);
    const std::vector<std::string> expected = {"score",
                                               "rank",
                                               "decile",
                                               "quintile",
                                               "rank_in_area",
                                               "score_class",
                                               "score_within_area",
                                               "rank_all_zones",
                                               "decile_all_zones",
                                               "contribution_income",
                                               "contribution_health",
                                               "rank_p05",
                                               "rank_median",
                                               "rank_p95",
                                               "p_top_decile",
                                               "p_top_n_in_area",
                                               "most_influential",
                                               "zones_in_area",
                                               "rank_mean",
                                               "most_influential_shift"};
    EXPECT_EQ(names, expected);
    for (const auto& c : columns) {
        ASSERT_EQ(c.size(), 4u) << c.name;
        if (std::holds_alternative<Column::Integers>(c.values) || std::holds_alternative<Column::Texts>(c.values)) {
            EXPECT_FALSE(c.is_valid(2)) << c.name << " should be blank for the dropped zone";
        }
    }
    // score_class runs with the score: the zone in most need (rank 1) has the highest class.
    const auto& rank = std::get<Column::Integers>(columns[1].values);
    const auto& score_class = std::get<Column::Integers>(columns[5].values);
    const auto top = static_cast<std::size_t>(std::find(rank.begin(), rank.end(), 1) - rank.begin());
    EXPECT_EQ(score_class[top], *std::max_element(score_class.begin(), score_class.end()));
    // Every name written (bar the per-indicator prefix) has a meaning in the vocabulary.
    for (const auto& name : names) {
        const auto vocabulary = columns::scoring_columns();
        const bool known = std::any_of(vocabulary.begin(), vocabulary.end(), [&](const columns::ColumnInfo& info) {
            return info.name == name || (info.name == columns::contribution_prefix && name.rfind(info.name, 0) == 0);
        });
        EXPECT_TRUE(known) << name;
    }
}

// Issue 9 item 4: explicit weights are used as given (shares of their sum), and said so.
TEST(Weights, ExplicitWeightsNotSummingToOneAreReported) {
    ScoringSpec spec;
    spec.indicators = {indicator("a", Direction::HigherIsMoreNeed, 2.0), indicator("b", Direction::HigherIsMoreNeed, 1.0)};
    ScoringInput input;
    input.values.resize(3, 2);
    input.values << 1, 2, 3, 1, 2, 5;
    const ScoringResult r = score_zones(input, spec);
    EXPECT_NEAR(r.domain_weights(0), 2.0 / 3.0, 1e-15);
    ASSERT_EQ(r.indicator_weights_given.size(), 2);
    EXPECT_EQ(r.indicator_weights_given(0), 2.0);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("sum to 3, not 1"), std::string::npos) << r.warnings[0];
    EXPECT_NE(r.method_summary.find("given as a 2 and b 1"), std::string::npos) << r.method_summary;
    EXPECT_NE(scoring_method_json(r).find("\"weights_given\""), std::string::npos);
    spec.indicators[0].weight = 0.5;
    spec.indicators[1].weight = 0.5;
    EXPECT_TRUE(score_zones(input, spec).warnings.empty());
}
