/// @brief Spatial weights (contiguity, distance band, k nearest) and local statistics (Gi*, local Moran's I).
//
// Local Getis–Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) and local Moran's I (Anselin 1995)
// with conditional permutation inference: for zone i, its neighbours' values are drawn without
// replacement from the other n - 1 zones (never i itself). As in esda, each permutation's draws
// are made once and shared by every zone (zone i skips itself), from random streams seeded by
// (seed, permutation) alone, so every result is identical for any thread count.
//
// p-values are two-sided: p = min(1, 2 (min(#{r >= obs}, #{r <= obs}) + 1) / (P + 1)), esda's
// alternative="two-sided". esda's default ("directed", GeoDa's "folded" pseudo p) takes the
// smaller tail without doubling and is therefore about half of this (esda's own significance.py
// calls it uniformly too small). The smallest two-sided p attainable with P permutations is
// 2 / (P + 1); check it against the correction (smallest_p_value, permutations_suffice) before
// claiming significance.
#pragma once

#include "furthest/control.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace furthest {

/// Neighbours and weights of n zones in compressed rows (CSR); zone i's neighbours are
/// neighbours[offsets[i] .. offsets[i + 1]), ascending, never i itself.
struct SpatialWeights {
    std::vector<std::size_t> offsets{0};  ///< n + 1 entries
    std::vector<std::size_t> neighbours;
    std::vector<double> weights;
    bool row_standardised = false;

    std::size_t size() const { return offsets.size() - 1; }
    std::size_t cardinality(std::size_t i) const { return offsets[i + 1] - offsets[i]; }
    /// Zones without neighbours, ascending.
    std::vector<std::size_t> islands() const;
    /// Each row divided by its sum (islands stay empty).
    void row_standardise();
    /// Throws InputError when the rows are malformed (offsets, indices, self-neighbours, weights).
    void validate() const;
};

/// Contiguity of polygons: Queen = the closed polygons share at least one point; Rook = their
/// boundaries share a line of positive length (or their interiors overlap).
enum class Contiguity { Queen, Rook };

/// Binary contiguity weights from Polygon/MultiPolygon WKB (GEOS DE-9IM on candidate pairs
/// whose envelopes meet). Throws GeometryError naming the zone for unreadable WKB.
SpatialWeights contiguity_weights(const std::vector<std::string>& polygon_wkb, Contiguity rule, int threads = 0,
                                  const Control& control = {});

/// Points within `threshold` (inclusive) of each other; weight 1 when `binary`, else 1 / distance
/// (libpysal DistanceBand's alpha = -1). Coincident points with binary = false throw InputError.
SpatialWeights distance_band_weights(std::span<const double> x, std::span<const double> y, double threshold, bool binary = true);

/// The k nearest other points of each point, weight 1; equal distances are broken by the lower
/// index, so the result is deterministic. Not symmetric in general.
SpatialWeights knn_weights(std::span<const double> x, std::span<const double> y, std::size_t k);

/// Local statistics of n zones; islands get NaN and cluster 0.
struct LocalStatistics {
    std::vector<double> statistic;  ///< Gi* or local I
    std::vector<double> z;          ///< (statistic - mean of the permuted) / their standard deviation
    std::vector<double> p;          ///< two-sided pseudo p-value (see the file comment)
    /// Gi*: +1 above its permutation mean (hot), -1 below (cold). Local Moran: esda's q —
    /// 1 HH, 2 LH, 3 LL, 4 HL. 0 for islands. Not filtered by significance.
    std::vector<int> cluster;
    int permutations = 0;
    double min_p = 0.0;  ///< smallest attainable p: 2 / (permutations + 1)
};

/// Local Gi* (esda G_Local(star=True)): G*_i = sum_j w*_ij y_j / sum_j y_j with the zone itself in
/// w* at its row's largest weight (1 for binary rows) and, when `weights.row_standardised`, the
/// rows re-standardised with it (each of k neighbours and the zone get 1 / (k + 1)).
LocalStatistics local_gi_star(std::span<const double> values, const SpatialWeights& weights, int permutations = 999,
                              std::uint64_t seed = 0, int threads = 0, const Control& control = {});

/// Local Moran's I (esda Moran_Local): I_i = (n - 1) z_i sum_j w_ij z_j / sum_k z_k^2, z = y - mean(y).
LocalStatistics local_moran(std::span<const double> values, const SpatialWeights& weights, int permutations = 999,
                            std::uint64_t seed = 0, int threads = 0, const Control& control = {});

/// Benjamini & Hochberg (1995) step-up: with the m non-NaN p sorted ascending, the largest k with
/// p_(k) <= k alpha / m; every p <= p_(k) is rejected (true). NaN is never rejected.
std::vector<bool> benjamini_hochberg(std::span<const double> p, double alpha);

/// The smallest two-sided pseudo p-value `permutations` can give: 2 / (permutations + 1).
double smallest_p_value(int permutations);

/// How a family of `tests` p-values is corrected before a claim of significance.
enum class Correction { None, Bonferroni, FalseDiscoveryRate };

/// Whether `permutations` can reach significance at `alpha` for `tests` zones: smallest_p_value
/// <= alpha (None) or <= alpha / tests (Bonferroni; and BH, whose first and strictest step is the
/// Bonferroni bound, so a lone hot spot can be found). 33,755 zones at 0.05 need 1.35M permutations.
bool permutations_suffice(int permutations, double alpha, std::size_t tests, Correction correction);

}  // namespace furthest
