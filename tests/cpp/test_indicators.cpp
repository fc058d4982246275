#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace furthest;

TEST(Composite, ZScoresWithDirectionsAndWeights) {
    // Two indicators over four zones; the second points the other way.
    Eigen::MatrixXd x(4, 2);
    x << 1, 40, 2, 30, 3, 20, 4, 10;
    Eigen::VectorXd sign(2), weight(2);
    sign << 1, -1;
    weight << 3, 1;
    const CompositeScore s = composite_zscore(x, sign, weight);
    // Column 1: mean 2.5, sd sqrt(5/3); column 2 flipped gives the same z-scores.
    const double sd = std::sqrt(5.0 / 3.0);
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(s.score(i), (i + 1 - 2.5) / sd, 1e-12);
    EXPECT_EQ(s.rank, (std::vector<std::int64_t>{4, 3, 2, 1}));
    EXPECT_NEAR(s.sd(1), 10.0 * sd, 1e-12);
}

TEST(Composite, WeightsAreNormalised) {
    Eigen::MatrixXd x(3, 2);
    x << 0, 0, 1, 0, 2, 3;
    Eigen::VectorXd sign = Eigen::VectorXd::Ones(2);
    Eigen::VectorXd w1(2), w2(2);
    w1 << 1, 1;
    w2 << 5, 5;
    EXPECT_TRUE(composite_zscore(x, sign, w1).score.isApprox(composite_zscore(x, sign, w2).score, 1e-15));
}

TEST(Composite, ConstantColumnContributesNothing) {
    Eigen::MatrixXd x(3, 2);
    x << 1, 7, 2, 7, 3, 7;
    Eigen::VectorXd sign = Eigen::VectorXd::Ones(2), weight = Eigen::VectorXd::Ones(2);
    const CompositeScore s = composite_zscore(x, sign, weight);
    EXPECT_NEAR(s.score(2), 0.5 * 1.0, 1e-12);  // z = 1 for the top zone, halved by the equal weights
}

TEST(Composite, RefusesBadInput) {
    Eigen::MatrixXd x(2, 1);
    x << 1, NAN;
    EXPECT_THROW(composite_zscore(x, Eigen::VectorXd::Ones(1), Eigen::VectorXd::Ones(1)), InputError);
    Eigen::MatrixXd ok(2, 1);
    ok << 1, 2;
    EXPECT_THROW(composite_zscore(ok, Eigen::VectorXd::Ones(1), Eigen::VectorXd::Zero(1)), InputError);
    EXPECT_THROW(composite_zscore(ok, Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(1)), InputError);
}

TEST(Ranking, TiesShareTheSmallerRankAndDecilesFollowImd) {
    Eigen::VectorXd v(5);
    v << 3, 9, 3, 1, 9;
    EXPECT_EQ(rank_descending(v), (std::vector<std::int64_t>{3, 1, 3, 5, 1}));
    std::vector<std::int64_t> rank(20);
    for (int i = 0; i < 20; ++i) rank[static_cast<std::size_t>(i)] = i + 1;
    const auto decile = decile_from_rank(rank);
    EXPECT_EQ(decile.front(), 1);
    EXPECT_EQ(decile[1], 1);
    EXPECT_EQ(decile[2], 2);
    EXPECT_EQ(decile.back(), 10);
    // IoD 2025 publishes 33,755 LSOAs: decile 1 ends at rank 3,375 (10 x 3,375 <= 33,755 < 10 x 3,376).
    std::vector<std::int64_t> england(33755);
    for (std::size_t i = 0; i < england.size(); ++i) england[i] = static_cast<std::int64_t>(i + 1);
    const auto deciles = decile_from_rank(england);
    EXPECT_EQ(deciles[3374], 1);
    EXPECT_EQ(deciles[3375], 2);
    EXPECT_EQ(deciles.back(), 10);
}
