// Spatial weights and local statistics on hand-made grids, checked by hand.
#include "fixtures.hpp"
#include "furthest/errors.hpp"
#include "furthest/spatial_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stop_token>
#include <string>
#include <vector>

namespace furthest {
namespace {

/// Unit squares on a rows x cols grid, zone r * cols + c at column c, row r.
std::vector<std::string> grid_squares(int rows, int cols) {
    std::vector<std::string> wkts;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const std::string x0 = std::to_string(c), x1 = std::to_string(c + 1);
            const std::string y0 = std::to_string(r), y1 = std::to_string(r + 1);
            wkts.push_back("POLYGON((" + x0 + " " + y0 + "," + x1 + " " + y0 + "," + x1 + " " + y1 + "," + x0 + " " + y1 + "," +
                           x0 + " " + y0 + "))");
        }
    return fixtures::wkbs(wkts);
}

std::vector<std::size_t> row_of(const SpatialWeights& w, std::size_t i) {
    return {w.neighbours.begin() + static_cast<std::ptrdiff_t>(w.offsets[i]),
            w.neighbours.begin() + static_cast<std::ptrdiff_t>(w.offsets[i + 1])};
}

TEST(SpatialWeights, QueenAndRookOnAThreeByThreeGrid) {
    const auto squares = grid_squares(3, 3);
    const SpatialWeights queen = contiguity_weights(squares, Contiguity::Queen, 2);
    const SpatialWeights rook = contiguity_weights(squares, Contiguity::Rook, 1);
    // Corners touch 3 (queen) / 2 (rook), edges 5 / 3, the centre all 8 / 4.
    const std::vector<std::size_t> queen_counts{3, 5, 3, 5, 8, 5, 3, 5, 3};
    const std::vector<std::size_t> rook_counts{2, 3, 2, 3, 4, 3, 2, 3, 2};
    for (std::size_t i = 0; i < 9; ++i) {
        EXPECT_EQ(queen.cardinality(i), queen_counts[i]) << "zone " << i;
        EXPECT_EQ(rook.cardinality(i), rook_counts[i]) << "zone " << i;
    }
    EXPECT_EQ(row_of(queen, 0), (std::vector<std::size_t>{1, 3, 4}));
    EXPECT_EQ(row_of(rook, 4), (std::vector<std::size_t>{1, 3, 5, 7}));
    EXPECT_TRUE(queen.islands().empty());
}

TEST(SpatialWeights, AVertexOnAnEdgeIsShared) {
    // The right square's corner (1, 0.5) lies inside the left square's edge, with no vertex there.
    const auto polygons = fixtures::wkbs({"POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 0.5,2 0.5,2 2,1 2,1 0.5))"});
    EXPECT_EQ(contiguity_weights(polygons, Contiguity::Rook).cardinality(0), 1u);
}

TEST(SpatialWeights, AnIslandHasNoNeighboursAndNoStatistic) {
    auto squares = grid_squares(2, 2);
    squares.push_back(fixtures::wkb("POLYGON((10 10,11 10,11 11,10 11,10 10))"));
    SpatialWeights w = contiguity_weights(squares, Contiguity::Queen);
    EXPECT_EQ(w.islands(), (std::vector<std::size_t>{4}));
    w.row_standardise();
    EXPECT_DOUBLE_EQ(w.weights[w.offsets[0]], 1.0 / 3.0);
    const std::vector<double> values{1, 2, 3, 4, 5};
    const LocalStatistics gi = local_gi_star(values, w, 99, 1);
    const LocalStatistics moran = local_moran(values, w, 99, 1);
    EXPECT_TRUE(std::isnan(gi.statistic[4]) && std::isnan(gi.p[4]) && std::isnan(gi.z[4]));
    EXPECT_TRUE(std::isnan(moran.statistic[4]) && std::isnan(moran.p[4]));
    EXPECT_EQ(gi.cluster[4], 0);
    EXPECT_EQ(moran.cluster[4], 0);
    EXPECT_FALSE(std::isnan(gi.statistic[0]));
}

TEST(SpatialWeights, KnnAndDistanceBandByHand) {
    const std::vector<double> x{0, 1, 3, 6, 10}, y{0, 0, 0, 0, 0};
    const SpatialWeights knn = knn_weights(x, y, 2);
    EXPECT_EQ(row_of(knn, 0), (std::vector<std::size_t>{1, 2}));
    EXPECT_EQ(row_of(knn, 2), (std::vector<std::size_t>{0, 1}));  // 0 at 3 ties with 3 at 3: lower index wins
    EXPECT_EQ(row_of(knn, 4), (std::vector<std::size_t>{2, 3}));
    const SpatialWeights band = distance_band_weights(x, y, 3.0, false);
    EXPECT_EQ(row_of(band, 2), (std::vector<std::size_t>{0, 1, 3}));  // 3 apart is inside
    EXPECT_DOUBLE_EQ(band.weights[band.offsets[2]], 1.0 / 3.0);
    EXPECT_EQ(band.islands(), (std::vector<std::size_t>{4}));
}

TEST(SpatialStatistics, GiStarAndMoranByHand) {
    SpatialWeights w = contiguity_weights(grid_squares(3, 3), Contiguity::Rook);
    w.row_standardise();
    const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9};
    const LocalStatistics gi = local_gi_star(v, w, 0);
    // Zone 0 with neighbours 1 and 3: (1 + 2 + 4) / 3 / 45.
    EXPECT_NEAR(gi.statistic[0], 7.0 / 3.0 / 45.0, 1e-15);
    const LocalStatistics moran = local_moran(v, w, 0);
    // z = v - 5; zone 0: z = -4, lag = (-3 + -1) / 2 = -2; sum z^2 = 60; I = 8 * (-4) * (-2) / 60.
    EXPECT_NEAR(moran.statistic[0], 8.0 * 8.0 / 60.0, 1e-15);
    EXPECT_EQ(moran.cluster[0], 3);  // LL
    EXPECT_EQ(moran.cluster[8], 1);  // HH
}

TEST(SpatialStatistics, PValuesIdenticalForOneAndTwoThreads) {
    SpatialWeights w = contiguity_weights(grid_squares(6, 7), Contiguity::Queen);
    w.row_standardise();
    std::vector<double> v(42);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(static_cast<double>(i) * 0.7) + static_cast<double>(i % 7) * 0.3;
    for (const auto stat : {&local_gi_star, &local_moran}) {
        const LocalStatistics one = stat(v, w, 499, 42, 1, Control{});
        const LocalStatistics two = stat(v, w, 499, 42, 2, Control{});
        EXPECT_EQ(one.p, two.p);
        EXPECT_EQ(one.z, two.z);
        const LocalStatistics other_seed = stat(v, w, 499, 43, 2, Control{});
        EXPECT_NE(one.p, other_seed.p);
        for (const double p : one.p) {
            EXPECT_GE(p, one.min_p);
            EXPECT_LE(p, 1.0);
        }
    }
}

TEST(SpatialStatistics, ClusteredValuesAreSignificant) {
    SpatialWeights w = contiguity_weights(grid_squares(8, 8), Contiguity::Queen);
    w.row_standardise();
    std::vector<double> v(64);
    for (std::size_t i = 0; i < 64; ++i) v[i] = (i % 8 < 3 && i / 8 < 3) ? 100.0 : 1.0 + static_cast<double>(i % 5);
    const LocalStatistics gi = local_gi_star(v, w, 999, 7);
    EXPECT_EQ(gi.cluster[9], 1);  // centre of the hot block
    EXPECT_LE(gi.p[9], 0.01);
    EXPECT_DOUBLE_EQ(gi.min_p, 2.0 / 1000.0);
}

TEST(SpatialStatistics, StopThrowsStopped) {
    SpatialWeights w = contiguity_weights(grid_squares(3, 3), Contiguity::Queen);
    std::stop_source stop;
    stop.request_stop();
    const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9};
    EXPECT_THROW(local_gi_star(v, w, 99, 1, 1, Control{stop.get_token(), {}}), Stopped);
    EXPECT_THROW(local_moran(v, w, 99, 1, 2, Control{stop.get_token(), {}}), Stopped);
    EXPECT_THROW(contiguity_weights(grid_squares(2, 2), Contiguity::Queen, 1, Control{stop.get_token(), {}}), Stopped);
}

TEST(SpatialStatistics, BadInputIsRefused) {
    const SpatialWeights w = contiguity_weights(grid_squares(2, 2), Contiguity::Queen);
    EXPECT_THROW(local_moran(std::vector<double>{1, 2, 3}, w), InputError);
    EXPECT_THROW(local_moran(std::vector<double>{1, 2, NAN, 4}, w), InputError);
    EXPECT_THROW(local_moran(std::vector<double>{2, 2, 2, 2}, w), InputError);
    SpatialWeights bad = w;
    bad.neighbours[0] = 0;
    EXPECT_THROW(local_gi_star(std::vector<double>{1, 2, 3, 4}, bad), InputError);
}

TEST(SpatialSignificance, BenjaminiHochbergStepsUp) {
    // m = 5, alpha = 0.05: thresholds 0.01 0.02 0.03 0.04 0.05. Sorted p: 0.005 0.025 0.028 0.04 0.2.
    // p(2) = 0.025 > 0.02 fails, yet p(4) = 0.04 <= 0.04: the step-up rejects the four smallest, where
    // stopping at the first failure would reject only 0.005.
    const std::vector<double> p{0.2, 0.028, 0.005, 0.04, 0.025};
    EXPECT_EQ(benjamini_hochberg(p, 0.05), (std::vector<bool>{false, true, true, true, true}));
    // NaN (islands) is neither tested nor counted: m = 2, thresholds 0.025 and 0.05.
    const std::vector<double> q{0.03, NAN, 0.045};
    EXPECT_EQ(benjamini_hochberg(q, 0.05), (std::vector<bool>{true, false, true}));
    EXPECT_EQ(benjamini_hochberg(std::vector<double>{0.5, 0.9}, 0.05), (std::vector<bool>{false, false}));
}

TEST(SpatialSignificance, PermutationCountAgainstTheCorrection) {
    EXPECT_DOUBLE_EQ(smallest_p_value(999), 0.002);
    EXPECT_TRUE(permutations_suffice(999, 0.05, 488, Correction::None));
    EXPECT_FALSE(permutations_suffice(999, 0.05, 488, Correction::Bonferroni));
    EXPECT_FALSE(permutations_suffice(999, 0.05, 33755, Correction::FalseDiscoveryRate));
    EXPECT_FALSE(permutations_suffice(1'300'000, 0.05, 33755, Correction::Bonferroni));
    EXPECT_TRUE(permutations_suffice(1'400'000, 0.05, 33755, Correction::Bonferroni));
}

}  // namespace
}  // namespace furthest
