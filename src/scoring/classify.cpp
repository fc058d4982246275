// Map classes of scores: quantiles, equal intervals, exact Fisher-Jenks natural breaks and user
// breaks, with mapclassify's conventions (upper bounds; a value goes to the first bound >= it).
// Fisher-Jenks is solved exactly as optimal 1-D k-means (Wang and Song, "Ckmeans.1d.dp", The R
// Journal 3(2), 2011), with the divide-and-conquer speed-up that the monotone split point allows.
#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"
#include "scoring/scoring_internal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace furthest {
namespace {

std::vector<double> finite_sorted(std::span<const double> values) {
    std::vector<double> x;
    x.reserve(values.size());
    for (double v : values)
        if (std::isfinite(v)) x.push_back(v);
    std::sort(x.begin(), x.end());
    return x;
}

// Within-class sum of squares of x[j..i] from prefix sums of (x - shift), which keeps the
// subtraction well conditioned for data far from zero.
struct SumOfSquares {
    std::vector<double> s1, s2;
    explicit SumOfSquares(const std::vector<double>& x) : s1(x.size() + 1, 0.0), s2(x.size() + 1, 0.0) {
        const double shift = x.empty() ? 0.0 : x[x.size() / 2];
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double v = x[i] - shift;
            s1[i + 1] = s1[i] + v;
            s2[i + 1] = s2[i] + v * v;
        }
    }
    double operator()(std::size_t j, std::size_t i) const {
        const double n = static_cast<double>(i - j + 1);
        const double a = s1[i + 1] - s1[j];
        return std::max(0.0, (s2[i + 1] - s2[j]) - a * a / n);
    }
};

struct JenksLayer {
    const SumOfSquares& ssq;
    const std::vector<double>& previous;  // best cost of c classes ending at each i
    std::vector<double>& current;
    std::vector<std::size_t>& split;      // first index of the last class
    std::size_t c;                        // classes before the last one

    void solve(std::size_t lo, std::size_t hi, std::size_t jlo, std::size_t jhi) {
        if (lo > hi) return;
        const std::size_t mid = lo + (hi - lo) / 2;
        double best = std::numeric_limits<double>::infinity();
        std::size_t arg = std::max(jlo, c);
        for (std::size_t j = std::max(jlo, c); j <= std::min(mid, jhi); ++j) {
            const double cost = previous[j - 1] + ssq(j, mid);
            if (cost < best) {
                best = cost;
                arg = j;
            }
        }
        current[mid] = best;
        split[mid] = arg;
        if (mid > lo) solve(lo, mid - 1, jlo, arg);
        solve(mid + 1, hi, arg, jhi);
    }
};

}  // namespace

std::vector<double> fisher_jenks_breaks(std::span<const double> values, int k) {
    const std::vector<double> x = finite_sorted(values);
    if (x.empty()) return {};
    if (k < 1) throw ConfigError("scoring: classes need k >= 1, not " + std::to_string(k));
    std::size_t distinct = 1;
    for (std::size_t i = 1; i < x.size(); ++i) distinct += x[i] != x[i - 1] ? 1 : 0;
    const std::size_t classes = std::min<std::size_t>(static_cast<std::size_t>(k), distinct);
    const std::size_t n = x.size();
    const SumOfSquares ssq(x);
    std::vector<std::vector<std::size_t>> split(classes, std::vector<std::size_t>(n, 0));
    std::vector<double> previous(n), current(n, std::numeric_limits<double>::infinity());
    for (std::size_t i = 0; i < n; ++i) previous[i] = ssq(0, i);
    for (std::size_t c = 1; c < classes; ++c) {
        std::fill(current.begin(), current.end(), std::numeric_limits<double>::infinity());
        JenksLayer layer{ssq, previous, current, split[c], c};
        layer.solve(c, n - 1, c, n - 1);
        std::swap(previous, current);
    }
    std::vector<double> breaks(classes);
    std::size_t end = n - 1;
    for (std::size_t c = classes; c-- > 0;) {
        breaks[c] = x[end];
        if (c > 0) end = split[c][end] - 1;
    }
    return breaks;
}

std::vector<double> class_breaks(std::span<const double> values, const ClassSpec& classes) {
    const std::vector<double> x = finite_sorted(values);
    if (x.empty()) return {};
    const int k = classes.k;
    switch (classes.method) {
        case ClassMethod::FisherJenks: return fisher_jenks_breaks(values, k);
        case ClassMethod::EqualInterval: {
            if (k < 1) throw ConfigError("scoring: classes need k >= 1, not " + std::to_string(k));
            const double lo = x.front(), hi = x.back(), width = (hi - lo) / static_cast<double>(k);
            std::vector<double> breaks;
            for (int i = 1; i <= k; ++i) breaks.push_back(lo + width * static_cast<double>(i));
            breaks.back() = hi;
            return breaks;
        }
        case ClassMethod::Quantiles: {
            if (k < 1) throw ConfigError("scoring: classes need k >= 1, not " + std::to_string(k));
            // mapclassify.classifiers.quantile: percentiles w, 2w, ... (np.arange), the last at most 100.
            const double w = 100.0 / static_cast<double>(k);
            const auto count = static_cast<int>(std::ceil(((100.0 + w) - w) / w));
            std::vector<double> breaks;
            for (int i = 0; i < count; ++i) {
                const double pct = std::min(100.0, w + static_cast<double>(i) * w);
                breaks.push_back(scoring_detail::quantile_linear(x, pct / 100.0));
            }
            breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
            return breaks;
        }
        case ClassMethod::UserBreaks: {
            std::vector<double> breaks = classes.breaks;
            if (breaks.empty()) throw ConfigError("scoring: classes method 'user' needs breaks = [b1, b2, ...]");
            if (!std::is_sorted(breaks.begin(), breaks.end())) throw ConfigError("scoring: class breaks must be ascending");
            if (breaks.back() < x.back()) breaks.push_back(x.back());  // as mapclassify.UserDefined
            return breaks;
        }
    }
    return {};
}

std::vector<std::int64_t> assign_classes(std::span<const double> values, const std::vector<double>& breaks) {
    std::vector<std::int64_t> out(values.size(), 0);
    if (breaks.empty()) return out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) continue;
        const auto it = std::lower_bound(breaks.begin(), breaks.end(), values[i]);
        const auto c = std::min<std::ptrdiff_t>(it - breaks.begin(), static_cast<std::ptrdiff_t>(breaks.size()) - 1);
        out[i] = static_cast<std::int64_t>(c) + 1;
    }
    return out;
}

}  // namespace furthest
