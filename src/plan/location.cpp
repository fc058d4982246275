// Hub site selection: greedy + vertex substitution with the fast swap evaluation, and the
// bounds that say how far from the optimum the answer can be.
//
// Both uncapacitated problems are one minimisation: each zone pays the cost to its nearest open
// site, or `unreached` when no open site serves it (a dummy site always open). p-median keeps
// the matrix costs and charges the unreached cost; maximal covering charges 0 within the
// coverage cost and 1 beyond, so the weighted cost is the demand left uncovered (Hillsman
// 1984). One engine then serves both, and every bound is a bound on that minimum.
#include "furthest/location.hpp"

#include "furthest/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

namespace furthest {
namespace {

using Index = Eigen::Index;
using Sparse = InteractionMatrix::Sparse;
constexpr std::int64_t no_site = -1;
const double nan = std::numeric_limits<double>::quiet_NaN();

// Per zone, the pairs that can serve it, sorted by service cost, then matrix cost, then site.
struct ServiceRows {
    Index zones = 0;
    Index sites = 0;
    std::vector<std::int64_t> start;  // zones + 1 offsets
    std::vector<std::int64_t> site;
    std::vector<double> cost;  // the cost the objective charges
    std::vector<double> matrix_cost;  // the matrix's cost of the pair
    std::vector<double> demand;
    double unreached = 0.0;  // the cost of a zone no open site serves
    double total_demand = 0.0;
};

ServiceRows service_rows(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand, double limit, bool covering,
                         double unreached) {
    ServiceRows r;
    r.zones = m.zones();
    r.sites = m.sites();
    r.unreached = unreached;
    r.demand.assign(demand.data(), demand.data() + demand.size());
    r.start.reserve(static_cast<std::size_t>(r.zones) + 1);
    r.start.push_back(0);
    const Sparse& c = m.costs();
    std::vector<std::pair<double, std::int64_t>> row;
    for (Index i = 0; i < r.zones; ++i) {
        row.clear();
        for (Sparse::InnerIterator it(c, i); it; ++it) {
            if (it.value() <= limit) row.emplace_back(it.value(), static_cast<std::int64_t>(it.col()));
        }
        // Covering costs are all 0, so sorting by matrix cost still lists a zone's nearest first.
        std::sort(row.begin(), row.end());
        for (const auto& [cost, site] : row) {
            r.site.push_back(site);
            r.cost.push_back(covering ? 0.0 : cost);
            r.matrix_cost.push_back(cost);
        }
        r.start.push_back(static_cast<std::int64_t>(r.site.size()));
        r.total_demand += r.demand[static_cast<std::size_t>(i)];
    }
    return r;
}

// Each zone's nearest open site (s1, cost c1, pair k1) and the cost of its second nearest (c2),
// the unreached cost standing in for a site that is not there.
struct Assignment {
    std::vector<std::int64_t> s1, k1;
    std::vector<double> c1, c2;
    double objective = 0.0;
};

void assign(const ServiceRows& r, const std::vector<char>& open, Assignment& a) {
    const auto n = static_cast<std::size_t>(r.zones);
    a.s1.assign(n, no_site);
    a.k1.assign(n, no_site);
    a.c1.assign(n, r.unreached);
    a.c2.assign(n, r.unreached);
    a.objective = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        for (auto k = r.start[i]; k < r.start[i + 1]; ++k) {
            const auto j = r.site[static_cast<std::size_t>(k)];
            if (!open[static_cast<std::size_t>(j)]) continue;
            const double c = r.cost[static_cast<std::size_t>(k)];
            if (a.s1[i] == no_site) {
                a.s1[i] = j;
                a.k1[i] = k;
                a.c1[i] = c;
            } else {
                a.c2[i] = std::min(c, r.unreached);
                break;
            }
        }
        a.objective += r.demand[i] * a.c1[i];
    }
}

// The fast swap tables (Resende & Werneck 2007, section 3): for closed site j and open,
// movable site r, the change of the objective when j opens and r closes is
//   gain[j] - loss[r] + extra[j, r]
// with gain[j] the saving of opening j alone, loss[r] the cost of closing r alone, and extra
// the correction for zones served by r that j would take over. Movable sites have a slot.
struct SwapTables {
    std::vector<double> gain, loss, extra;
    std::vector<std::int64_t> movable;  // site per slot, ascending
    std::vector<std::int64_t> slot;  // slot per site, -1 when not movable
};

void swap_tables(const ServiceRows& r, const std::vector<char>& open, const Assignment& a, SwapTables& t) {
    const auto ns = t.movable.size();
    t.gain.assign(static_cast<std::size_t>(r.sites), 0.0);
    t.loss.assign(static_cast<std::size_t>(r.sites), 0.0);
    t.extra.assign(static_cast<std::size_t>(r.sites) * ns, 0.0);
    for (std::size_t i = 0; i < static_cast<std::size_t>(r.zones); ++i) {
        const double d = r.demand[i];
        if (d == 0.0) continue;
        const double c1 = a.c1[i], c2 = a.c2[i];
        const std::int64_t rs = a.s1[i] == no_site ? no_site : t.slot[static_cast<std::size_t>(a.s1[i])];
        if (rs != no_site) t.loss[static_cast<std::size_t>(a.s1[i])] += d * (c2 - c1);
        // Sorted by cost: a site at or beyond the second nearest changes nothing.
        for (auto k = r.start[i]; k < r.start[i + 1]; ++k) {
            const double c = r.cost[static_cast<std::size_t>(k)];
            if (c >= c2) break;
            const auto j = static_cast<std::size_t>(r.site[static_cast<std::size_t>(k)]);
            if (open[j]) continue;
            if (c < c1) t.gain[j] += d * (c1 - c);
            if (rs != no_site) t.extra[j * ns + static_cast<std::size_t>(rs)] += d * (c2 - std::max(c, c1));
        }
    }
}

// Sum of the `p` largest gains among closed sites: opening any p sites saves at most this much
// (the gains are submodular), so objective - this bounds every solution with p more sites.
double top_gains(const std::vector<double>& gain, const std::vector<char>& open, std::int64_t p) {
    std::vector<double> g;
    g.reserve(gain.size());
    for (std::size_t j = 0; j < gain.size(); ++j) {
        if (!open[j]) g.push_back(gain[j]);
    }
    const auto take = std::min<std::size_t>(static_cast<std::size_t>(p), g.size());
    std::partial_sort(g.begin(), g.begin() + static_cast<std::ptrdiff_t>(take), g.end(), std::greater<>());
    double s = 0.0;
    for (std::size_t k = 0; k < take; ++k) s += g[k];
    return s;
}

// The closed site with the largest gain; ties (and all-zero gains) to the lowest index.
std::int64_t best_gain(const std::vector<double>& gain, const std::vector<char>& open) {
    std::int64_t best = no_site;
    for (std::size_t j = 0; j < gain.size(); ++j) {
        if (open[j]) continue;
        if (best == no_site || gain[j] > gain[static_cast<std::size_t>(best)]) best = static_cast<std::int64_t>(j);
    }
    return best;
}

// Lagrangean relaxation of "each zone is served once" (multiplier lambda_i per unit demand):
//   L = sum_i d_i (lambda_i + min(0, U - lambda_i)) + sum_{j open} rho_j,
//   rho_j = sum_i d_i min(0, c_ij - lambda_i),
// with the fixed sites and the p most negative rho_j among the others open. Every L is a lower
// bound on the minimum; lambda_i = the zone's cheapest cost gives the simple bound, and
// subgradient steps (Polyak, towards `upper`) raise it (Beasley 1993). The sites each relaxed
// solution opens are also a feasible choice: the best of them is a second start for the search.
struct Lagrangean {
    double bound = -std::numeric_limits<double>::infinity();
    std::vector<std::int64_t> sites;  // the best relaxed solution's sites besides the fixed ones
    double objective = std::numeric_limits<double>::infinity();
};

Lagrangean lagrangean(const ServiceRows& r, const std::vector<char>& fixed, std::int64_t p, double upper,
                      const Control& control) {
    Lagrangean result;
    Assignment primal;
    const auto n = static_cast<std::size_t>(r.zones);
    const auto sites = static_cast<std::size_t>(r.sites);
    std::vector<double> lambda(n), rho(sites), g(n);
    for (std::size_t i = 0; i < n; ++i) {
        lambda[i] =
            r.start[i] < r.start[i + 1] ? std::min(r.cost[static_cast<std::size_t>(r.start[i])], r.unreached) : r.unreached;
    }
    std::vector<std::int64_t> others;
    for (std::size_t j = 0; j < sites; ++j) {
        if (!fixed[j]) others.push_back(static_cast<std::int64_t>(j));
    }
    const auto take = std::min<std::size_t>(static_cast<std::size_t>(p), others.size());
    std::vector<char> open(sites, 0);
    double best = -std::numeric_limits<double>::infinity();
    double theta = 2.0;
    int since_better = 0;
    const int max_iterations = 300;
    for (int t = 0; t < max_iterations; ++t) {
        control.check("hub sites: Lagrangean bound");
        std::fill(rho.begin(), rho.end(), 0.0);
        double value = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double d = r.demand[i];
            if (d == 0.0) continue;
            value += d * (lambda[i] + std::min(0.0, r.unreached - lambda[i]));
            for (auto k = r.start[i]; k < r.start[i + 1]; ++k) {
                const double c = r.cost[static_cast<std::size_t>(k)];
                if (c >= lambda[i]) break;
                rho[static_cast<std::size_t>(r.site[static_cast<std::size_t>(k)])] += d * (c - lambda[i]);
            }
        }
        std::fill(open.begin(), open.end(), 0);
        for (std::size_t j = 0; j < sites; ++j) {
            if (fixed[j]) {
                open[j] = 1;
                value += rho[j];
            }
        }
        auto by_rho = [&](std::int64_t a, std::int64_t b) {
            const double ra = rho[static_cast<std::size_t>(a)], rb = rho[static_cast<std::size_t>(b)];
            return ra < rb || (ra == rb && a < b);
        };
        if (take > 0) {
            std::nth_element(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(take - 1), others.end(), by_rho);
            for (std::size_t q = 0; q < take; ++q) {
                open[static_cast<std::size_t>(others[q])] = 1;
                value += rho[static_cast<std::size_t>(others[q])];
            }
            std::vector<std::int64_t> chosen(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(take));
            std::sort(others.begin(), others.end());  // the next selection starts from the same order
            assign(r, open, primal);
            if (primal.objective < result.objective) {
                result.objective = primal.objective;
                std::sort(chosen.begin(), chosen.end());
                result.sites = std::move(chosen);
            }
            upper = std::min(upper, primal.objective);
        }
        if (value > best + 1e-12 * std::abs(upper)) {
            best = std::max(best, value);
            since_better = 0;
        } else if (++since_better >= 20) {
            theta /= 2.0;
            since_better = 0;
        }
        best = std::max(best, value);
        if (upper - best <= 1e-9 * std::max(1.0, std::abs(upper)) || theta < 1e-4) break;
        // Subgradient d_i (1 - zones' assignments in the relaxed solution).
        double norm = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double d = r.demand[i];
            double s = 1.0 - (r.unreached < lambda[i] ? 1.0 : 0.0);
            for (auto k = r.start[i]; k < r.start[i + 1]; ++k) {
                if (r.cost[static_cast<std::size_t>(k)] >= lambda[i]) break;
                if (open[static_cast<std::size_t>(r.site[static_cast<std::size_t>(k)])]) s -= 1.0;
            }
            g[i] = d * s;
            norm += g[i] * g[i];
        }
        if (norm == 0.0) break;  // the relaxed solution is feasible: L is the optimum
        const double step = theta * (upper - value) / norm;
        for (std::size_t i = 0; i < n; ++i) lambda[i] += step * g[i];
    }
    result.bound = best;
    return result;
}

void check_inputs(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand, const LocationOptions& o,
                  const char* problem) {
    const std::string what = std::string(problem) + ": ";
    if (demand.size() != m.zones()) {
        throw InputError(what + "demand has " + std::to_string(demand.size()) + " values; expected one per zone (" +
                         std::to_string(m.zones()) + ")");
    }
    for (Index i = 0; i < demand.size(); ++i) {
        if (!std::isfinite(demand[i]) || demand[i] < 0.0) {
            throw InputError(what + "demand " + std::to_string(demand[i]) + " at zone " + std::to_string(i) +
                             "; expected a finite number >= 0");
        }
    }
    std::vector<char> seen(static_cast<std::size_t>(m.sites()), 0);
    for (std::size_t k = 0; k < o.fixed.size(); ++k) {
        const auto j = o.fixed[k];
        if (j < 0 || j >= m.sites()) {
            throw InputError(what + "fixed site " + std::to_string(j) + " (entry " + std::to_string(k) +
                             ") is not a site of the matrix (0.." + std::to_string(m.sites() - 1) + ")");
        }
        if (seen[static_cast<std::size_t>(j)]) throw InputError(what + "fixed site " + std::to_string(j) + " is listed twice");
        seen[static_cast<std::size_t>(j)] = 1;
    }
    if (o.waves.empty()) throw InputError(what + "no waves; expected the number of new sites per wave, e.g. {5}");
    std::int64_t total = 0;
    for (std::size_t w = 0; w < o.waves.size(); ++w) {
        if (o.waves[w] < 0) {
            throw InputError(what + "wave " + std::to_string(w + 1) + " has " + std::to_string(o.waves[w]) +
                             " sites; expected a number >= 0");
        }
        total += o.waves[w];
    }
    const auto closed = m.sites() - static_cast<Index>(o.fixed.size());
    if (total > closed) {
        throw InputError(what + std::to_string(total) + " new sites asked for but only " + std::to_string(closed) +
                         " candidate sites are not already open");
    }
    if (std::isnan(o.coverage_cost) || o.coverage_cost < 0.0) {
        throw InputError(what + "coverage cost " + std::to_string(o.coverage_cost) + "; expected a number >= 0");
    }
    if (o.capacity.size() != 0) {
        if (o.capacity.size() != m.sites()) {
            throw InputError(what + "capacity has " + std::to_string(o.capacity.size()) + " values; expected one per site (" +
                             std::to_string(m.sites()) + ")");
        }
        for (Index j = 0; j < o.capacity.size(); ++j) {
            if (!std::isfinite(o.capacity[j]) || o.capacity[j] < 0.0) {
                throw InputError(what + "capacity " + std::to_string(o.capacity[j]) + " at site " + std::to_string(j) +
                                 "; expected a finite number >= 0");
            }
        }
    }
}

std::int64_t total_new(const LocationOptions& o) { return std::accumulate(o.waves.begin(), o.waves.end(), std::int64_t{0}); }

// The outcome of the search in minimisation form, before it is turned into a LocationResult.
struct Search {
    std::vector<char> open;
    std::vector<std::int64_t> wave;
    Assignment assignment;
    double greedy = 0.0;  // minimum form
    double fixed_only = 0.0;  // the objective with only the fixed sites open
    double lower = -std::numeric_limits<double>::infinity();  // best lower bound found
    std::vector<double> wave_objective;
    std::int64_t iterations = 0;
};

// Movable sites: those of `wave`, ascending.
void set_movable(const std::vector<std::int64_t>& wave, std::int64_t this_wave, SwapTables& t) {
    t.movable.clear();
    for (std::size_t j = 0; j < wave.size(); ++j) {
        t.slot[j] = no_site;
        if (wave[j] == this_wave) {
            t.slot[j] = static_cast<std::int64_t>(t.movable.size());
            t.movable.push_back(static_cast<std::int64_t>(j));
        }
    }
}

// Best-improvement swaps of the sites of `this_wave` until none improves (vertex substitution,
// Teitz & Bart 1968, with the fast swap tables). `a` is the assignment of `open` on entry and
// exit; every table visited tightens `lower` (p: all new sites of the problem). Returns swaps made.
std::int64_t local_search(const ServiceRows& r, std::vector<char>& open, std::vector<std::int64_t>& wave, std::int64_t this_wave,
                          std::int64_t p, double tolerance, Assignment& a, SwapTables& t, double& lower, const Control& control) {
    const auto sites = open.size();
    std::int64_t swaps = 0;
    set_movable(wave, this_wave, t);
    while (!t.movable.empty()) {
        control.check("hub sites: swaps");
        swap_tables(r, open, a, t);
        lower = std::max(lower, a.objective - top_gains(t.gain, open, p));
        // The best swap; ties to the lowest closed site, then the lowest open one.
        double best = 0.0;
        std::int64_t in = no_site, out = no_site;
        const auto ns = t.movable.size();
        for (std::size_t j = 0; j < sites; ++j) {
            if (open[j]) continue;
            const double* extra = t.extra.data() + j * ns;
            for (std::size_t q = 0; q < ns; ++q) {
                const double profit = t.gain[j] - t.loss[static_cast<std::size_t>(t.movable[q])] + extra[q];
                if (profit > best) {
                    best = profit;
                    in = static_cast<std::int64_t>(j);
                    out = t.movable[q];
                }
            }
        }
        if (in == no_site || best <= tolerance) break;
        const double before = a.objective;
        open[static_cast<std::size_t>(out)] = 0;
        open[static_cast<std::size_t>(in)] = 1;
        assign(r, open, a);
        if (a.objective >= before - tolerance) {  // rounding promised a saving that is not there
            open[static_cast<std::size_t>(in)] = 0;
            open[static_cast<std::size_t>(out)] = 1;
            assign(r, open, a);
            break;
        }
        wave[static_cast<std::size_t>(out)] = no_site;
        wave[static_cast<std::size_t>(in)] = this_wave;
        set_movable(wave, this_wave, t);
        ++swaps;
    }
    return swaps;
}

Search uncapacitated_search(const ServiceRows& r, const LocationOptions& o, const Control& control) {
    const auto sites = static_cast<std::size_t>(r.sites);
    const std::int64_t p = total_new(o);
    Search s;
    s.open.assign(sites, 0);
    s.wave.assign(sites, no_site);
    std::vector<char> fixed(sites, 0);
    for (const auto j : o.fixed) {
        s.open[static_cast<std::size_t>(j)] = 1;
        s.wave[static_cast<std::size_t>(j)] = 0;
        fixed[static_cast<std::size_t>(j)] = 1;
    }
    SwapTables t;
    t.slot.assign(sites, no_site);
    Assignment& a = s.assignment;
    const double tolerance = 1e-10 * std::max(1.0, r.total_demand * r.unreached);

    // The greedy solution of all p sites at once: its objective and the bounds at each step.
    {
        std::vector<char> open = s.open;
        for (std::int64_t step = 0;; ++step) {
            control.check("hub sites: greedy");
            assign(r, open, a);
            if (step == 0) s.fixed_only = a.objective;
            swap_tables(r, open, a, t);
            s.lower = std::max(s.lower, a.objective - top_gains(t.gain, open, p));
            if (step == p) break;
            open[static_cast<std::size_t>(best_gain(t.gain, open))] = 1;
            control.report("hub sites: greedy", static_cast<double>(step + 1) / static_cast<double>(p));
        }
        s.greedy = a.objective;
    }

    // Wave by wave, two starts, each improved by swaps of this wave's sites, the better kept
    // (ties to the greedy one): greedy additions, and the best solution the Lagrangean
    // relaxation of this wave's problem visits (Beasley 1993), which gets the search out of
    // the local optima a single start can stop in.
    for (std::size_t w = 0; w < o.waves.size(); ++w) {
        const auto this_wave = static_cast<std::int64_t>(w + 1);
        const std::vector<char> before_wave = s.open;
        const std::vector<std::int64_t> wave_before = s.wave;
        for (std::int64_t step = 0; step < o.waves[w]; ++step) {
            control.check("hub sites: greedy");
            set_movable(s.wave, -2, t);  // none movable: gains only
            assign(r, s.open, a);
            swap_tables(r, s.open, a, t);
            const auto j = static_cast<std::size_t>(best_gain(t.gain, s.open));
            s.open[j] = 1;
            s.wave[j] = this_wave;
        }
        assign(r, s.open, a);
        s.iterations += local_search(r, s.open, s.wave, this_wave, p, tolerance, a, t, s.lower, control);
        if (o.waves[w] > 0) {
            const Lagrangean l = lagrangean(r, before_wave, o.waves[w], a.objective, control);
            if (o.waves.size() == 1) s.lower = std::max(s.lower, l.bound);  // this wave's problem is the whole problem
            std::vector<char> open = before_wave;
            std::vector<std::int64_t> wave = wave_before;
            for (const auto j : l.sites) {
                open[static_cast<std::size_t>(j)] = 1;
                wave[static_cast<std::size_t>(j)] = this_wave;
            }
            Assignment b;
            assign(r, open, b);
            double lower = s.lower;
            const std::int64_t swaps = local_search(r, open, wave, this_wave, p, tolerance, b, t, lower, control);
            s.lower = lower;
            if (b.objective < a.objective - tolerance) {
                s.open = std::move(open);
                s.wave = std::move(wave);
                a = std::move(b);
                s.iterations += swaps;
            }
        }
        s.wave_objective.push_back(a.objective);
        control.report("hub sites: swaps", static_cast<double>(w + 1) / static_cast<double>(o.waves.size()));
    }
    if (o.waves.size() > 1) s.lower = std::max(s.lower, lagrangean(r, fixed, p, a.objective, control).bound);
    s.lower = std::min(s.lower, a.objective);  // a bound above a found solution is rounding
    return s;
}

// Fills the per-site and per-zone figures of an uncapacitated solution.
void describe(const ServiceRows& r, const Search& s, LocationResult& out) {
    const auto sites = static_cast<Index>(r.sites);
    out.site_wave = Eigen::Map<const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>>(s.wave.data(), sites);
    out.site_reach = Eigen::VectorXd::Zero(sites);
    out.site_served = Eigen::VectorXd::Zero(sites);
    out.zone_site.resize(r.zones);
    out.zone_cost.resize(r.zones);
    out.zone_served.resize(r.zones);
    for (std::size_t i = 0; i < static_cast<std::size_t>(r.zones); ++i) {
        for (auto k = r.start[i]; k < r.start[i + 1]; ++k) out.site_reach[r.site[static_cast<std::size_t>(k)]] += r.demand[i];
        const auto j = s.assignment.s1[i];
        const auto z = static_cast<Index>(i);
        out.zone_site[z] = j;
        out.zone_cost[z] = j == no_site ? nan : r.matrix_cost[static_cast<std::size_t>(s.assignment.k1[i])];
        out.zone_served[z] = j == no_site ? 0.0 : 1.0;
        if (j != no_site) out.site_served[j] += r.demand[i];
    }
    out.iterations = s.iterations;
}

double gap_of(double numerator, double divisor) { return divisor > 0.0 ? std::max(0.0, numerator) / divisor : 0.0; }

// ---- capacitated covering: served demand by greedy assignment, searched by full re-evaluation ----

struct CapacitatedPairs {
    std::vector<std::int64_t> zone, site;
    std::vector<double> cost;
};

CapacitatedPairs capacitated_pairs(const ServiceRows& r) {
    std::vector<std::size_t> order(r.site.size());
    std::vector<std::int64_t> zone_of(r.site.size());
    for (std::size_t i = 0; i < static_cast<std::size_t>(r.zones); ++i) {
        for (auto k = r.start[i]; k < r.start[i + 1]; ++k) zone_of[static_cast<std::size_t>(k)] = static_cast<std::int64_t>(i);
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (r.matrix_cost[a] != r.matrix_cost[b]) return r.matrix_cost[a] < r.matrix_cost[b];
        if (zone_of[a] != zone_of[b]) return zone_of[a] < zone_of[b];
        return r.site[a] < r.site[b];
    });
    CapacitatedPairs p;
    for (const auto k : order) {
        if (r.demand[static_cast<std::size_t>(zone_of[k])] == 0.0) continue;
        p.zone.push_back(zone_of[k]);
        p.site.push_back(r.site[k]);
        p.cost.push_back(r.matrix_cost[k]);
    }
    return p;
}

// Demand served by the open sites when pairs are taken nearest first; `given` (optional) gets
// the amount per pair.
double served_demand(const CapacitatedPairs& pairs, const std::vector<char>& open, const ServiceRows& r,
                     const Eigen::VectorXd& capacity, std::vector<double>& demand_left, std::vector<double>& capacity_left,
                     std::vector<double>* given = nullptr) {
    demand_left = r.demand;
    capacity_left.assign(capacity.data(), capacity.data() + capacity.size());
    if (given) given->assign(pairs.zone.size(), 0.0);
    double served = 0.0;
    for (std::size_t k = 0; k < pairs.zone.size(); ++k) {
        const auto j = static_cast<std::size_t>(pairs.site[k]);
        if (!open[j]) continue;
        const auto i = static_cast<std::size_t>(pairs.zone[k]);
        const double x = std::min(demand_left[i], capacity_left[j]);
        if (x <= 0.0) continue;
        demand_left[i] -= x;
        capacity_left[j] -= x;
        served += x;
        if (given) (*given)[k] = x;
    }
    return served;
}

LocationResult capacitated_covering(const ServiceRows& r, const LocationOptions& o, double uncapacitated_bound,
                                    const Control& control) {
    const auto sites = static_cast<std::size_t>(r.sites);
    const std::int64_t p = total_new(o);
    const CapacitatedPairs pairs = capacitated_pairs(r);
    std::vector<double> dl, cl;
    auto value = [&](const std::vector<char>& open) { return served_demand(pairs, open, r, o.capacity, dl, cl); };
    const double tolerance = 1e-10 * std::max(1.0, r.total_demand);

    std::vector<char> open(sites, 0);
    std::vector<std::int64_t> wave(sites, no_site);
    for (const auto j : o.fixed) {
        open[static_cast<std::size_t>(j)] = 1;
        wave[static_cast<std::size_t>(j)] = 0;
    }
    // Adds the closed site that serves the most (ties to the lowest index) to `set`.
    auto greedy_step = [&](std::vector<char>& set) {
        std::int64_t best = no_site;
        double best_value = -1.0;
        for (std::size_t j = 0; j < sites; ++j) {
            if (set[j]) continue;
            control.check("hub sites: capacitated greedy");
            set[j] = 1;
            const double v = value(set);
            set[j] = 0;
            if (v > best_value) {
                best_value = v;
                best = static_cast<std::int64_t>(j);
            }
        }
        set[static_cast<std::size_t>(best)] = 1;
        return best;
    };

    LocationResult out;
    {
        std::vector<char> g = open;
        for (std::int64_t step = 0; step < p; ++step) greedy_step(g);
        out.greedy_objective = value(g);
    }
    for (std::size_t w = 0; w < o.waves.size(); ++w) {
        const auto this_wave = static_cast<std::int64_t>(w + 1);
        for (std::int64_t step = 0; step < o.waves[w]; ++step) wave[static_cast<std::size_t>(greedy_step(open))] = this_wave;
        double current = value(open);
        for (;;) {
            double best = current + tolerance;
            std::int64_t in = no_site, out_site = no_site;
            for (std::size_t j = 0; j < sites; ++j) {
                if (open[j]) continue;
                control.check("hub sites: capacitated swaps");
                for (std::size_t q = 0; q < sites; ++q) {
                    if (wave[q] != this_wave) continue;
                    open[q] = 0;
                    open[j] = 1;
                    const double v = value(open);
                    open[j] = 0;
                    open[q] = 1;
                    if (v > best) {
                        best = v;
                        in = static_cast<std::int64_t>(j);
                        out_site = static_cast<std::int64_t>(q);
                    }
                }
            }
            if (in == no_site) break;
            open[static_cast<std::size_t>(out_site)] = 0;
            wave[static_cast<std::size_t>(out_site)] = no_site;
            open[static_cast<std::size_t>(in)] = 1;
            wave[static_cast<std::size_t>(in)] = this_wave;
            current = best;
            ++out.iterations;
        }
        out.wave_objective.push_back(value(open));
    }

    std::vector<double> given;
    out.objective = served_demand(pairs, open, r, o.capacity, dl, cl, &given);
    const auto n = static_cast<Index>(r.zones);
    out.site_wave = Eigen::Map<const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>>(wave.data(), static_cast<Index>(sites));
    out.site_reach = Eigen::VectorXd::Zero(static_cast<Index>(sites));
    for (std::size_t i = 0; i < static_cast<std::size_t>(r.zones); ++i) {
        for (auto k = r.start[i]; k < r.start[i + 1]; ++k) out.site_reach[r.site[static_cast<std::size_t>(k)]] += r.demand[i];
    }
    out.site_served = Eigen::VectorXd::Zero(static_cast<Index>(sites));
    out.zone_site = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>::Constant(n, no_site);
    out.zone_cost = Eigen::VectorXd::Constant(n, nan);
    out.zone_served = Eigen::VectorXd::Zero(n);
    Eigen::VectorXd largest = Eigen::VectorXd::Zero(n);
    for (std::size_t k = 0; k < given.size(); ++k) {
        if (given[k] <= 0.0) continue;
        const auto i = static_cast<Index>(pairs.zone[k]);
        out.site_served[pairs.site[k]] += given[k];
        out.zone_served[i] += given[k];
        if (given[k] > largest[i]) {  // pairs are nearest first, so ties keep the nearest
            largest[i] = given[k];
            out.zone_site[i] = pairs.site[k];
            out.zone_cost[i] = pairs.cost[k];
        }
    }
    for (Index i = 0; i < n; ++i) {
        const double d = r.demand[static_cast<std::size_t>(i)];
        out.zone_served[i] = d > 0.0 ? std::min(1.0, out.zone_served[i] / d) : 0.0;
    }
    // Capacity bound: the fixed sites' capacity and the p largest of the others'.
    double fixed_capacity = 0.0;
    std::vector<double> others;
    for (std::size_t j = 0; j < sites; ++j) {
        if (wave[j] == 0) {
            fixed_capacity += o.capacity[static_cast<Index>(j)];
        } else {
            others.push_back(o.capacity[static_cast<Index>(j)]);
        }
    }
    std::sort(others.begin(), others.end(), std::greater<>());
    const double capacity_bound = fixed_capacity + std::accumulate(others.begin(), others.begin() + p, 0.0);
    out.bound = std::max(out.objective, std::min(uncapacitated_bound, capacity_bound));
    out.gap = gap_of(out.bound - out.objective, out.bound);
    return out;
}

}  // namespace

LocationResult maximal_covering(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                                const LocationOptions& options, const Control& control) {
    check_inputs(m, demand, options, "maximal covering");
    control.report("hub sites: maximal covering", 0.0);
    const ServiceRows r = service_rows(m, demand, options.coverage_cost, true, 1.0);
    Search s = uncapacitated_search(r, options, control);
    const double total = r.total_demand;
    // Greedy gains at least (1 - 1/e) of the best gain over the fixed sites (Nemhauser et al. 1978).
    const double covered_fixed = total - s.fixed_only;
    const double greedy_bound = covered_fixed + (s.fixed_only - s.greedy) / (1.0 - std::exp(-1.0));
    const double uncapacitated_bound = std::min(total - s.lower, greedy_bound);
    if (options.capacity.size() != 0) return capacitated_covering(r, options, uncapacitated_bound, control);

    LocationResult out;
    describe(r, s, out);
    out.objective = total - s.assignment.objective;
    out.greedy_objective = total - s.greedy;
    for (const double w : s.wave_objective) out.wave_objective.push_back(total - w);
    out.bound = std::max(out.objective, uncapacitated_bound);
    out.gap = gap_of(out.bound - out.objective, out.bound);
    control.report("hub sites: maximal covering", 1.0);
    return out;
}

LocationResult p_median(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                        const LocationOptions& options, const Control& control) {
    check_inputs(m, demand, options, "p-median");
    if (options.capacity.size() != 0) {
        throw InputError("p-median: capacities are for the covering problem; expected no capacity");
    }
    double unreached = options.unreached_cost;
    if (std::isnan(unreached)) {
        unreached = m.max_cost();
        if (!std::isfinite(unreached)) {
            const auto& c = m.costs();
            unreached = 0.0;
            for (Index k = 0; k < c.nonZeros(); ++k) unreached = std::max(unreached, c.valuePtr()[k]);
        }
    }
    if (!std::isfinite(unreached) || unreached < 0.0) {
        throw InputError("p-median: unreached cost " + std::to_string(unreached) + "; expected a finite number >= 0");
    }
    control.report("hub sites: p-median", 0.0);
    // Pairs dearer than the unreached cost never serve a zone better than no site at all.
    const ServiceRows r = service_rows(m, demand, unreached, false, unreached);
    const Search s = uncapacitated_search(r, options, control);
    LocationResult out;
    describe(r, s, out);
    out.objective = s.assignment.objective;
    out.greedy_objective = s.greedy;
    out.wave_objective = s.wave_objective;
    out.bound = s.lower;
    out.gap = gap_of(out.objective - out.bound, out.objective);
    control.report("hub sites: p-median", 1.0);
    return out;
}

}  // namespace furthest
