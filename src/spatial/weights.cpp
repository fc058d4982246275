// Spatial weights in compressed rows, and the point-based builders (distance band, k nearest).
#include "furthest/errors.hpp"
#include "furthest/spatial_stats.hpp"
#include "spatial/point_grid.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace furthest {

std::vector<std::size_t> SpatialWeights::islands() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < size(); ++i)
        if (cardinality(i) == 0) out.push_back(i);
    return out;
}

void SpatialWeights::row_standardise() {
    for (std::size_t i = 0; i < size(); ++i) {
        double sum = 0.0;
        for (std::size_t e = offsets[i]; e < offsets[i + 1]; ++e) sum += weights[e];
        if (sum != 0.0)
            for (std::size_t e = offsets[i]; e < offsets[i + 1]; ++e) weights[e] /= sum;
    }
    row_standardised = true;
}

void SpatialWeights::validate() const {
    if (offsets.empty() || offsets.front() != 0) throw InputError("spatial weights: offsets must start at 0");
    if (offsets.back() != neighbours.size() || neighbours.size() != weights.size())
        throw InputError("spatial weights: offsets, neighbours and weights do not agree in length");
    const std::size_t n = size();
    for (std::size_t i = 0; i < n; ++i) {
        if (offsets[i + 1] < offsets[i]) throw InputError("spatial weights: offsets decrease at zone " + std::to_string(i));
        for (std::size_t e = offsets[i]; e < offsets[i + 1]; ++e) {
            const std::size_t j = neighbours[e];
            if (j >= n)
                throw InputError("spatial weights: zone " + std::to_string(i) + " has neighbour " + std::to_string(j) +
                                 ", beyond the " + std::to_string(n) + " zones");
            if (j == i) throw InputError("spatial weights: zone " + std::to_string(i) + " is its own neighbour");
            if (e > offsets[i] && neighbours[e - 1] >= j)
                throw InputError("spatial weights: neighbours of zone " + std::to_string(i) + " are not ascending and distinct");
            if (!std::isfinite(weights[e]) || weights[e] < 0.0)
                throw InputError("spatial weights: zone " + std::to_string(i) + " has a negative or non-finite weight");
        }
    }
}

namespace {

void check_points(std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size())
        throw InputError("points: " + std::to_string(x.size()) + " x but " + std::to_string(y.size()) + " y coordinates");
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
            throw InputError("points: point " + std::to_string(i + 1) + " has a missing or non-finite coordinate");
}

}  // namespace

SpatialWeights distance_band_weights(std::span<const double> x, std::span<const double> y, double threshold, bool binary) {
    check_points(x, y);
    if (!(threshold > 0.0) || !std::isfinite(threshold)) throw InputError("distance band: threshold must be a positive distance");
    const std::size_t n = x.size();
    spatial::PointGrid grid(x, y, threshold);
    SpatialWeights w;
    w.offsets.assign(1, 0);
    std::vector<std::size_t> near;
    const double t2 = threshold * threshold;
    for (std::size_t i = 0; i < n; ++i) {
        near.clear();
        grid.within(x[i], y[i], threshold, near);
        std::sort(near.begin(), near.end());
        for (const std::size_t j : near) {
            if (j == i) continue;
            const double dx = x[j] - x[i], dy = y[j] - y[i];
            const double d2 = dx * dx + dy * dy;
            if (d2 > t2) continue;
            if (!binary && d2 == 0.0)
                throw InputError("distance band: points " + std::to_string(i + 1) + " and " + std::to_string(j + 1) +
                                 " coincide, so an inverse-distance weight is infinite");
            w.neighbours.push_back(j);
            w.weights.push_back(binary ? 1.0 : 1.0 / std::sqrt(d2));
        }
        w.offsets.push_back(w.neighbours.size());
    }
    return w;
}

SpatialWeights knn_weights(std::span<const double> x, std::span<const double> y, std::size_t k) {
    check_points(x, y);
    const std::size_t n = x.size();
    if (k == 0 || k >= n)
        throw InputError("k nearest neighbours: k = " + std::to_string(k) + " must be at least 1 and below the " +
                         std::to_string(n) + " points");
    spatial::PointGrid grid(x, y, 0.0, 2);  // small cells: dense cities keep candidate lists short
    SpatialWeights w;
    w.offsets.assign(1, 0);
    std::vector<std::pair<double, std::size_t>> nearest;
    for (std::size_t i = 0; i < n; ++i) {
        grid.nearest(i, k, nearest);
        std::vector<std::size_t> row;
        row.reserve(k);
        for (const auto& [d2, j] : nearest) row.push_back(j);
        std::sort(row.begin(), row.end());
        for (const std::size_t j : row) {
            w.neighbours.push_back(j);
            w.weights.push_back(1.0);
        }
        w.offsets.push_back(w.neighbours.size());
    }
    return w;
}

}  // namespace furthest
