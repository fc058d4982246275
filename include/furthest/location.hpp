/// @brief Hub site selection on an interaction matrix: maximal covering, p-median, a capacitated covering option and sites per wave.
///
/// Choose new sites among the candidates (the matrix's sites) around the sites already open,
/// wave by wave. Greedy start, then vertex substitution (Teitz & Bart 1968) with the fast swap
/// evaluation of Whitaker (1983) and Resende & Werneck (2007) until no swap improves; the
/// answer comes with a bound on the optimum and the gap to it, so a planner can see how far
/// from the best possible it can be (METHODS.md, "Site selection").
/// @code
///   const auto m = InteractionMatrix::from_points(zx, zy, sx, sy, 5000.0);
///   LocationOptions o;
///   o.waves = {3, 2};                 // three sites in wave 1, two more in wave 2
///   o.fixed = {4, 17};                // hubs that already exist
///   const LocationResult r = maximal_covering(m, need_weighted_people, o);
///   // r.objective people covered, r.bound at most this many can be, r.gap = 1 - objective / bound
/// @endcode
#pragma once

#include "furthest/access.hpp"
#include "furthest/control.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <limits>
#include <vector>

namespace furthest {

/// What to choose and around what.
struct LocationOptions {
    /// New sites per wave (p_1, p_2, ...): each wave adds its sites to those already open and
    /// the search of a wave moves only that wave's sites. One wave of p sites is {p}.
    std::vector<std::int64_t> waves;
    /// Sites already open (indices into the matrix's sites): always open, never moved, and
    /// they count towards the objective (wave 0).
    std::vector<std::int64_t> fixed;
    /// Maximal covering: a zone is covered by a site with cost <= coverage_cost (and within
    /// the matrix's reach). Infinity (the default) takes every pair the matrix holds.
    double coverage_cost = std::numeric_limits<double>::infinity();
    /// p-median: the cost charged to a zone that no open site reaches within the matrix.
    /// NaN (the default) takes the matrix's cutoff, max_cost(), or, for a cost table without a
    /// cutoff, the largest stored cost. Must be finite and >= 0.
    double unreached_cost = std::numeric_limits<double>::quiet_NaN();
    /// Capacitated covering (maximal_covering only): demand each site can serve, one per
    /// site, >= 0; empty for the uncapacitated problem. See maximal_covering.
    Eigen::VectorXd capacity;
};

/// The chosen sites, how each zone is served, the objective and its optimality evidence.
struct LocationResult {
    /// Per site: 0 for a fixed site, k for a site opened in wave k (1-based), -1 when closed.
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> site_wave;
    /// Per site: demand within its reach (coverage_cost for covering), open or not.
    Eigen::VectorXd site_reach;
    /// Per open site: demand it serves (each zone goes to its nearest open site, ties to the
    /// lower index; capacitated: the greedy assignment); 0 for closed sites.
    Eigen::VectorXd site_served;
    /// Per zone: the open site serving it (nearest; capacitated: the one serving most of it)
    /// or -1 when none reaches it.
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> zone_site;
    /// Per zone: the matrix cost to zone_site, NaN when -1.
    Eigen::VectorXd zone_cost;
    /// Per zone: the share of its demand served (covering: 0 or 1, fractions when
    /// capacitated; p-median: 1 when an open site reaches it, else 0).
    Eigen::VectorXd zone_served;
    /// Covering: demand covered; p-median: demand-weighted cost (unreached zones at the
    /// unreached cost). Over all zones, fixed and new sites together.
    double objective = 0.0;
    /// The same for the greedy solution of all waves' sites before any swap.
    double greedy_objective = 0.0;
    /// Objective after each wave (cumulative), one per wave.
    std::vector<double> wave_objective;
    /// Covering: an upper bound on the demand any choice of sum(waves) new sites can cover;
    /// p-median: a lower bound on the weighted cost. A bound for the problem without waves,
    /// which can only do better than one with them, so it bounds the waved problem too.
    double bound = 0.0;
    /// (bound - objective) / bound for covering, (objective - bound) / objective for
    /// p-median; 0 when the divisor is 0. 0 proves the solution optimal.
    double gap = 0.0;
    /// Improving swaps made, over all waves.
    std::int64_t iterations = 0;
};

/// Maximal covering (Church & ReVelle 1974): open sum(waves) new sites to maximise the
/// demand with at least one open site (fixed or new) within coverage_cost.
///
/// Uncapacitated: the covering problem is a p-median with costs 0 within reach and 1 beyond
/// (Hillsman 1984), searched by fast interchange from two starts per wave (greedy, and the best solution
/// the Lagrangean relaxation below visits), the better kept. Bound: the smallest of the demand
/// any site reaches, the greedy bound (Nemhauser, Wolsey & Fisher 1978: greedy gains at least
/// 1 - 1/e of the optimum's), the submodular bound f(S) + the sum(waves) largest single-site
/// gains at every solution S visited (Minoux 1978), and a Lagrangean relaxation of the
/// assignment constraints (subgradient; Beasley 1993, "Lagrangean heuristics for location
/// problems").
///
/// Capacitated (capacity given): each site serves at most its capacity. The demand served by
/// a set of open sites is found greedily, not by a flow: pairs (zone, open site) within reach
/// are taken in order of cost (then zone, then site) and each gives min(zone's demand left,
/// site's capacity left), a zone's demand may be split. The search (greedy, then best swap by
/// full re-evaluation, O(candidates x p x pairs) a sweep, meant for a city's candidates)
/// maximises that served demand, so the optimum of the true capacitated problem may be
/// higher. Bound: the smallest of the uncapacitated bound and the capacity of the fixed sites
/// plus the sum(waves) largest capacities of the others.
///
/// Deterministic: one thread, every tie to the lowest index, the same answer on every run.
/// Polls control (Stopped) and reports progress. Throws InputError on a demand of the wrong
/// length or with a negative or non-finite value, a fixed site out of range or repeated, a
/// negative wave, more new sites than closed candidates, or a bad capacity or coverage_cost.
LocationResult maximal_covering(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                                const LocationOptions& options, const Control& control = {});

/// p-median (Hakimi 1964): open sum(waves) new sites to minimise the demand-weighted cost
/// from each zone to its nearest open site, a zone no open site reaches within the matrix
/// costing options.unreached_cost. Fast interchange (Whitaker 1983; Resende & Werneck 2007)
/// from the same two starts to a swap-optimal solution. Bound: the largest of the sum over zones of
/// the cost to the nearest candidate or fixed site, the supermodular bound g(S) - the
/// sum(waves) largest single-site savings at every solution S visited, and a Lagrangean
/// relaxation of the assignment constraints (subgradient). Capacities are refused.
/// Deterministic and stoppable as maximal_covering; the same input errors.
LocationResult p_median(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                        const LocationOptions& options, const Control& control = {});

}  // namespace furthest
