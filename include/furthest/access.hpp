/// @brief Access to support: a sparse zones x sites interaction matrix and the measures on it (nearest site, sites and capacity within reach, 2SFCA, E2SFCA, balanced FCA, gravity).
///
/// One matrix serves every measure (DESIGN.md, "every join is a sparse matrix"): build it once
/// from straight-line distances or a travel-cost table, then ask for as many measures as needed.
/// @code
///   const auto m = InteractionMatrix::from_points(ox, oy, sx, sy, 5000.0);  // metres, one CRS
///   const NearestSite near = nearest_site(m);                       // NaN / -1 when none in reach
///   const FloatingCatchment fca = two_step_fca(m, population, capacity, Decay::gaussian(2500.0));
///   const FloatingCatchment bfca = balanced_fca(m, population, capacity);  // conserves totals
/// @endcode
#pragma once

#include "furthest/control.hpp"

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace furthest {

/// Zones x sites costs (metres or minutes) of the pairs within reach.
///
/// Every stored entry is a pair within reach, and its value is the cost, which may be exactly 0
/// (a site geocoded to an origin's own point): measures walk the stored structure, never test a
/// value against zero, so a zero cost is never dropped. Do not prune() a copy of `costs()`.
class InteractionMatrix {
public:
    using Sparse = Eigen::SparseMatrix<double, Eigen::RowMajor>;

    InteractionMatrix() = default;
    InteractionMatrix(const InteractionMatrix&) = default;
    InteractionMatrix& operator=(const InteractionMatrix&) = default;
    /// Moves hand the arrays over: Eigen 3.4's SparseMatrix has no move constructor, so a
    /// defaulted move would copy every pair (12 MB for a national matrix) on each return.
    InteractionMatrix(InteractionMatrix&& other) : max_cost_(other.max_cost_) { costs_.swap(other.costs_); }
    InteractionMatrix& operator=(InteractionMatrix&& other) {
        costs_.swap(other.costs_);
        max_cost_ = other.max_cost_;
        return *this;
    }

    /// Straight-line distances sqrt(dx^2 + dy^2) between origins and sites (one projected CRS)
    /// for every pair with distance <= max_distance (a pair exactly at the cutoff is inside).
    /// Uses a uniform grid over the sites; the same result for any thread count (0 = all).
    /// Throws InputError on non-finite coordinates, mismatched lengths or a negative/NaN cutoff.
    static InteractionMatrix from_points(std::span<const double> origin_x, std::span<const double> origin_y,
                                         std::span<const double> site_x, std::span<const double> site_y, double max_distance,
                                         int threads = 0, const Control& control = {});

    /// A user's travel-cost table: row r is (origin[r], site[r], cost[r]), indices 0-based into
    /// `zones` origins and `sites` sites; rows with cost > max_cost are left out (cost == max_cost
    /// is inside). Throws InputError naming the rows of a duplicated (origin, site) pair, or a
    /// row with an index out of range or a negative or non-finite cost.
    static InteractionMatrix from_costs(Eigen::Index zones, Eigen::Index sites, std::span<const std::int64_t> origin,
                                        std::span<const std::int64_t> site, std::span<const double> cost,
                                        double max_cost = std::numeric_limits<double>::infinity(), const Control& control = {});

    /// Costs, zones x sites, row-major; the stored entries are exactly the pairs within reach.
    const Sparse& costs() const { return costs_; }
    /// The cutoff the matrix was built with (infinity for a cost table without one).
    double max_cost() const { return max_cost_; }
    Eigen::Index zones() const { return costs_.rows(); }
    Eigen::Index sites() const { return costs_.cols(); }
    /// Number of (zone, site) pairs within reach, zero costs included.
    Eigen::Index pairs() const { return costs_.nonZeros(); }

private:
    InteractionMatrix(Sparse&& costs, double max_cost) : max_cost_(max_cost) { costs_.swap(costs); }
    Sparse costs_;
    double max_cost_ = 0.0;
};

/// Distance decay f(cost) >= 0, applied to each pair within reach.
struct Decay {
    enum class Kind { Uniform, Step, Linear, Gaussian, Power, Exponential };
    Kind kind = Kind::Uniform;
    double parameter = 0.0;  ///< width, sigma, exponent or rate (see the makers)
    double min_cost = 0.0;  ///< Power only: costs below it count as it
    std::vector<std::pair<double, double>> bands;  ///< Step only: (upper cost, weight), sorted by cost

    /// f = 1 for every pair within reach (plain 2SFCA, Luo & Wang 2003).
    static Decay uniform();
    /// PySAL access `weights.step_fn`: f(c) = weight of the first band (by upper cost, ascending)
    /// with c <= upper; 0 beyond the last band (Luo & Qi 2009's E2SFCA zones). Weights >= 0.
    static Decay step(std::vector<std::pair<double, double>> bands);
    /// f(c) = max(0, 1 - c / width), as `accessibility::decay_linear(cutoff = width)`.
    static Decay linear(double width);
    /// PySAL access `weights.gaussian`: f(c) = exp(-c^2 / (2 sigma^2)), unnormalised so f(0) = 1.
    static Decay gaussian(double sigma);
    /// f(c) = max(c, min_cost)^(-exponent); min_cost > 0 keeps a site at distance 0 finite.
    static Decay power(double exponent, double min_cost);
    /// f(c) = exp(-rate c), as `accessibility::decay_exponential(decay_value = rate)`.
    static Decay exponential(double rate);

    /// The weight of one cost.
    double operator()(double cost) const;
};

/// The nearest site of each zone within reach.
struct NearestSite {
    Eigen::VectorXd cost;  ///< NaN when no site is within reach
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> site;  ///< -1 when none; ties go to the lower index
};

/// Per zone: the nearest site within reach and its cost.
NearestSite nearest_site(const InteractionMatrix& m);

/// Per zone: the number of sites with cost <= max_cost (and within the matrix's reach).
Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> sites_within(const InteractionMatrix& m,
                                                            double max_cost = std::numeric_limits<double>::infinity());

/// Per zone: the sum of `supply` (capacity per site) over the sites with cost <= max_cost.
Eigen::VectorXd supply_within(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& supply,
                              double max_cost = std::numeric_limits<double>::infinity());

/// A floating-catchment result: per-zone access and per-site figures behind it.
struct FloatingCatchment {
    Eigen::VectorXd access;  ///< per zone; 0 where no site is within reach
    Eigen::VectorXd site_demand;  ///< per site: the (weighted) demand it serves
    Eigen::VectorXd site_ratio;  ///< per site: supply / site_demand; NaN where site_demand is 0
    Eigen::VectorXd zone_supply;  ///< per zone: supply allocated to it (balanced_fca only; else empty)
};

/// Two-step floating catchment (Luo & Wang 2003), enhanced by a decay f (E2SFCA, Luo & Qi 2009):
///   R_j = S_j / sum_i D_i f(c_ij),   A_i = sum_j R_j f(c_ij),
/// sums over the pairs within reach. With Decay::uniform() this is plain 2SFCA. Matches PySAL
/// access `fca.two_stage_fca(weight_fn = f)`. A site no demand reaches (R_j NaN) adds nothing.
/// sum_i D_i A_i = total supply reached, but sum_j site_demand counts a person once per site in
/// reach (the inflation balanced_fca removes).
/// Throws InputError when demand/supply have the wrong length or a negative or non-finite value.
FloatingCatchment two_step_fca(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                               const Eigen::Ref<const Eigen::VectorXd>& supply, const Decay& decay = Decay::uniform());

/// Balanced floating catchment (Paez, Higgins & Vivona 2019, PLOS ONE 14(6): e0218773), as
/// `accessibility::floating_catchment_area(fca_metric = "bfca")` (ipeaGIT/accessibility):
///   w_ij = f(c_ij),  a_ij = w_ij / sum_k w_ik (by zone),  b_ij = w_ij / sum_k w_kj (by site),
///   P_j = sum_i D_i a_ij,  R_j = S_j / P_j,  A_i = sum_j R_j b_ij,  zone_supply_i = sum_j S_j b_ij.
/// Each person is counted once (sum_j P_j = total demand of zones that reach a site) and each
/// unit of supply once (sum_j R_j P_j = sum_i zone_supply_i = total supply that some demand
/// reaches), so zone_supply adds up over any grouping of zones. Pairs with f = 0 are ignored.
/// Unlike 2SFCA, sum_i D_i A_i is in general not the total supply (sum_i A_i = sum_j R_j is):
/// for people-weighted sums by area use zone_supply.
FloatingCatchment balanced_fca(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                               const Eigen::Ref<const Eigen::VectorXd>& supply, const Decay& decay = Decay::uniform());

/// Gravity (Hansen 1959) access: A_i = sum_j S_j f(c_ij) over the pairs within reach, usually
/// with Decay::power or Decay::exponential. No competition for supply.
Eigen::VectorXd gravity(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& supply, const Decay& decay);

}  // namespace furthest
