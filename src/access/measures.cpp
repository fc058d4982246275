// Measures on the interaction matrix. Each walks the stored pairs (zero costs included) row by
// row in index order, so results are the same on every run; all are O(pairs).
#include "furthest/access.hpp"
#include "furthest/errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace furthest {
namespace {

using Sparse = InteractionMatrix::Sparse;
const double nan = std::numeric_limits<double>::quiet_NaN();

void check_values(const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::Index expected, const char* what, const char* per) {
    if (v.size() != expected) {
        throw InputError(std::string(what) + ": " + std::to_string(v.size()) + " values; expected one per " + per + " (" +
                         std::to_string(expected) + ")");
    }
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        if (!std::isfinite(v[i]) || v[i] < 0.0) {
            throw InputError(std::string(what) + ": value " + std::to_string(v[i]) + " at " + per + " " + std::to_string(i) +
                             "; expected a finite number >= 0");
        }
    }
}

void check_parameter(double value, const char* decay, const char* name) {
    if (!std::isfinite(value) || value <= 0.0) {
        throw InputError(std::string(decay) + " decay: " + name + " " + std::to_string(value) + "; expected a finite number > 0");
    }
}

// f(c_ij) for every stored pair, in storage order.
Eigen::VectorXd pair_weights(const Sparse& costs, const Decay& decay) {
    Eigen::VectorXd w(costs.nonZeros());
    const double* c = costs.valuePtr();
    for (Eigen::Index k = 0; k < w.size(); ++k) w[k] = decay(c[k]);
    return w;
}

// The pair weights a measure multiplies by: f(c_ij) stored once per pair, or, for the uniform
// decay, no array at all (f = 1, and x * 1 == x to the bit, so skipping it changes nothing while
// sparing a pass over the costs and an array as long as the matrix).
class PairWeights {
public:
    PairWeights(const Sparse& costs, const Decay& decay)
        : uniform_(decay.kind == Decay::Kind::Uniform), w_(uniform_ ? Eigen::VectorXd() : pair_weights(costs, decay)) {}
    bool uniform() const { return uniform_; }
    const double* data() const { return w_.data(); }

private:
    bool uniform_;
    Eigen::VectorXd w_;
};

// 2SFCA's two steps for weights w(k) (a constant 1 or a stored array): both loops are written
// once and instantiated for each, so the uniform case has no multiply and no weight load.
template <class Weight>
void two_step_passes(const Sparse& costs, const Eigen::Ref<const Eigen::VectorXd>& demand,
                     const Eigen::Ref<const Eigen::VectorXd>& supply, Weight w, FloatingCatchment& out) {
    const auto* outer = costs.outerIndexPtr();
    const auto* inner = costs.innerIndexPtr();
    const Eigen::Index zones = costs.rows(), sites = costs.cols();
    // Step 1: the weighted demand each site serves, then its supply-to-demand ratio.
    out.site_demand = Eigen::VectorXd::Zero(sites);
    double* site_demand = out.site_demand.data();
    for (Eigen::Index i = 0; i < zones; ++i) {
        const double d = demand[i];
        for (auto k = outer[i]; k < outer[i + 1]; ++k) site_demand[inner[k]] += d * w(k);
    }
    out.site_ratio.resize(sites);
    // The ratios step 2 adds, with 0 for a site no demand reaches (NaN in site_ratio): every
    // term is >= 0, so adding a 0 leaves the sum's bits as skipping it would.
    std::vector<double> reached(static_cast<std::size_t>(sites));
    for (Eigen::Index j = 0; j < sites; ++j) {
        out.site_ratio[j] = site_demand[j] > 0.0 ? supply[j] / site_demand[j] : nan;
        reached[static_cast<std::size_t>(j)] = site_demand[j] > 0.0 ? out.site_ratio[j] : 0.0;
    }
    // Step 2: each zone sums the ratios of the sites it reaches, weighted again.
    out.access.resize(zones);
    for (Eigen::Index i = 0; i < zones; ++i) {
        double a = 0.0;
        for (auto k = outer[i]; k < outer[i + 1]; ++k) a += reached[static_cast<std::size_t>(inner[k])] * w(k);
        out.access[i] = a;
    }
}

}  // namespace

Decay Decay::uniform() { return Decay{}; }

Decay Decay::step(std::vector<std::pair<double, double>> bands) {
    if (bands.empty()) throw InputError("step decay: no bands; expected (upper cost, weight) pairs");
    for (const auto& [upper, weight] : bands) {
        if (std::isnan(upper) || !std::isfinite(weight) || weight < 0.0) {
            throw InputError("step decay: band (" + std::to_string(upper) + ", " + std::to_string(weight) +
                             "); expected an upper cost and a finite weight >= 0");
        }
    }
    std::sort(bands.begin(), bands.end());
    for (std::size_t k = 1; k < bands.size(); ++k) {
        if (bands[k].first == bands[k - 1].first) {
            throw InputError("step decay: two bands end at " + std::to_string(bands[k].first) + "; expected one");
        }
    }
    Decay d;
    d.kind = Kind::Step;
    d.bands = std::move(bands);
    return d;
}

Decay Decay::linear(double width) {
    check_parameter(width, "linear", "width");
    Decay d;
    d.kind = Kind::Linear;
    d.parameter = width;
    return d;
}

Decay Decay::gaussian(double sigma) {
    check_parameter(sigma, "gaussian", "sigma");
    Decay d;
    d.kind = Kind::Gaussian;
    d.parameter = sigma;
    return d;
}

Decay Decay::power(double exponent, double min_cost) {
    if (!std::isfinite(exponent) || exponent < 0.0) {
        throw InputError("power decay: exponent " + std::to_string(exponent) + "; expected a finite number >= 0");
    }
    check_parameter(min_cost, "power", "min_cost");
    Decay d;
    d.kind = Kind::Power;
    d.parameter = exponent;
    d.min_cost = min_cost;
    return d;
}

Decay Decay::exponential(double rate) {
    if (!std::isfinite(rate) || rate < 0.0) {
        throw InputError("exponential decay: rate " + std::to_string(rate) + "; expected a finite number >= 0");
    }
    Decay d;
    d.kind = Kind::Exponential;
    d.parameter = rate;
    return d;
}

double Decay::operator()(double cost) const {
    switch (kind) {
        case Kind::Uniform: return 1.0;
        case Kind::Step:
            for (const auto& [upper, weight] : bands) {
                if (cost <= upper) return weight;
            }
            return 0.0;
        case Kind::Linear: return std::max(0.0, 1.0 - cost / parameter);
        case Kind::Gaussian:
        // Written as PySAL access writes it, so the two agree to the last bit.
            return std::exp(-cost * cost / (2.0 * parameter * parameter));
        case Kind::Power: return std::pow(std::max(cost, min_cost), -parameter);
        case Kind::Exponential: return std::exp(-parameter * cost);
    }
    return nan;
}

NearestSite nearest_site(const InteractionMatrix& m) {
    const Sparse& costs = m.costs();
    NearestSite out;
    out.cost = Eigen::VectorXd::Constant(m.zones(), nan);
    out.site = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>::Constant(m.zones(), -1);
    for (Eigen::Index i = 0; i < m.zones(); ++i) {
        // Sites come in ascending order, so a strict < keeps the lower index on a tie.
        for (Sparse::InnerIterator it(costs, i); it; ++it) {
            if (out.site[i] < 0 || it.value() < out.cost[i]) {
                out.cost[i] = it.value();
                out.site[i] = it.col();
            }
        }
    }
    return out;
}

Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> sites_within(const InteractionMatrix& m, double max_cost) {
    const Sparse& costs = m.costs();
    Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> out = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>::Zero(m.zones());
    for (Eigen::Index i = 0; i < m.zones(); ++i) {
        for (Sparse::InnerIterator it(costs, i); it; ++it) {
            if (it.value() <= max_cost) ++out[i];
        }
    }
    return out;
}

Eigen::VectorXd supply_within(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& supply, double max_cost) {
    check_values(supply, m.sites(), "supply", "site");
    const Sparse& costs = m.costs();
    Eigen::VectorXd out = Eigen::VectorXd::Zero(m.zones());
    for (Eigen::Index i = 0; i < m.zones(); ++i) {
        for (Sparse::InnerIterator it(costs, i); it; ++it) {
            if (it.value() <= max_cost) out[i] += supply[it.col()];
        }
    }
    return out;
}

FloatingCatchment two_step_fca(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                               const Eigen::Ref<const Eigen::VectorXd>& supply, const Decay& decay) {
    check_values(demand, m.zones(), "demand", "zone");
    check_values(supply, m.sites(), "supply", "site");
    const PairWeights w(m.costs(), decay);
    FloatingCatchment out;
    if (w.uniform()) {
        two_step_passes(m.costs(), demand, supply, [](auto) { return 1.0; }, out);
    } else {
        two_step_passes(m.costs(), demand, supply, [p = w.data()](auto k) { return p[k]; }, out);
    }
    return out;
}

FloatingCatchment balanced_fca(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& demand,
                               const Eigen::Ref<const Eigen::VectorXd>& supply, const Decay& decay) {
    check_values(demand, m.zones(), "demand", "zone");
    check_values(supply, m.sites(), "supply", "site");
    const Sparse& costs = m.costs();
    const Eigen::VectorXd w = pair_weights(costs, decay);
    const auto* outer = costs.outerIndexPtr();
    const auto* inner = costs.innerIndexPtr();
    Eigen::VectorXd zone_total = Eigen::VectorXd::Zero(m.zones());
    Eigen::VectorXd site_total = Eigen::VectorXd::Zero(m.sites());
    for (Eigen::Index i = 0; i < m.zones(); ++i) {
        for (auto k = outer[i]; k < outer[i + 1]; ++k) {
            zone_total[i] += w[k];
            site_total[inner[k]] += w[k];
        }
    }
    FloatingCatchment out;
    // Step 1: each zone's people shared among the sites it reaches (row-normalised weights).
    out.site_demand = Eigen::VectorXd::Zero(m.sites());
    for (Eigen::Index i = 0; i < m.zones(); ++i) {
        if (!(zone_total[i] > 0.0)) continue;
        for (auto k = outer[i]; k < outer[i + 1]; ++k) out.site_demand[inner[k]] += demand[i] * (w[k] / zone_total[i]);
    }
    out.site_ratio.resize(m.sites());
    for (Eigen::Index j = 0; j < m.sites(); ++j) {
        out.site_ratio[j] = out.site_demand[j] > 0.0 ? supply[j] / out.site_demand[j] : nan;
    }
    // Step 2: each site's ratio (and supply) shared among the zones it reaches (column-normalised).
    out.access = Eigen::VectorXd::Zero(m.zones());
    out.zone_supply = Eigen::VectorXd::Zero(m.zones());
    for (Eigen::Index i = 0; i < m.zones(); ++i) {
        double a = 0.0, s = 0.0;
        for (auto k = outer[i]; k < outer[i + 1]; ++k) {
            const auto j = inner[k];
            const double r = out.site_ratio[j];
            if (std::isnan(r) || !(site_total[j] > 0.0)) continue;
            const double b = w[k] / site_total[j];
            a += r * b;
            s += supply[j] * b;
        }
        out.access[i] = a;
        out.zone_supply[i] = s;
    }
    return out;
}

Eigen::VectorXd gravity(const InteractionMatrix& m, const Eigen::Ref<const Eigen::VectorXd>& supply, const Decay& decay) {
    check_values(supply, m.sites(), "supply", "site");
    const Sparse& costs = m.costs();
    Eigen::VectorXd out = Eigen::VectorXd::Zero(m.zones());
    for (Eigen::Index i = 0; i < m.zones(); ++i) {
        for (Sparse::InnerIterator it(costs, i); it; ++it) out[i] += supply[it.col()] * decay(it.value());
    }
    return out;
}

}  // namespace furthest
