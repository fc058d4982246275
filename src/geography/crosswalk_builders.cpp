// Crosswalk builders other than polygon overlay: weighted points, lookup tables, member sites.
#include "core/parallel.hpp"
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "geography/geos_context.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace furthest {
namespace {

using geography::GeosContext;

Crosswalk::Matrix from_rows(Eigen::Index rows, Eigen::Index cols,
                            const std::vector<std::vector<std::pair<Eigen::Index, double>>>& entries) {
    std::vector<Eigen::Triplet<double>> triplets;
    for (std::size_t r = 0; r < entries.size(); ++r)
        for (const auto& [c, v] : entries[r]) triplets.emplace_back(static_cast<Eigen::Index>(r), c, v);
    Crosswalk::Matrix m(rows, cols);
    m.setFromTriplets(triplets.begin(), triplets.end());  // duplicates are summed
    return m;
}

struct XY {
    double x, y;
};

std::vector<XY> point_coordinates(std::span<const std::string> wkb, const char* role) {
    std::vector<XY> out(wkb.size());
    GeosContext ctx;
    for (std::size_t i = 0; i < wkb.size(); ++i) {
        auto g = ctx.from_wkb(wkb[i]);
        if (GEOSGeomTypeId_r(ctx.handle(), g.get()) != GEOS_POINT || GEOSisEmpty_r(ctx.handle(), g.get()) == 1)
            throw GeometryError(std::string(role) + " " + std::to_string(i + 1) + ": expected a non-empty point");
        GEOSGeomGetX_r(ctx.handle(), g.get(), &out[i].x);
        GEOSGeomGetY_r(ctx.handle(), g.get(), &out[i].y);
    }
    return out;
}

}  // namespace

Crosswalk weighted_points_overlay(std::span<const std::string> source_wkb, std::span<const std::string> target_wkb,
                                  std::span<const std::string> point_wkb, const Eigen::VectorXd& point_weight,
                                  std::vector<Eigen::Index>* area_fallback, int threads, const Control& control) {
    if (point_weight.size() != static_cast<Eigen::Index>(point_wkb.size()))
        throw InputError("weighted points overlay: " + std::to_string(point_weight.size()) + " weights for " +
                         std::to_string(point_wkb.size()) + " points");
    const auto in_source = locate_points(point_wkb, source_wkb, threads, control);
    const auto in_target = locate_points(point_wkb, target_wkb, threads, control);
    const auto n_sources = static_cast<Eigen::Index>(source_wkb.size());
    std::vector<std::map<Eigen::Index, double>> mass(source_wkb.size());
    Eigen::VectorXd total = Eigen::VectorXd::Zero(n_sources);
    for (std::size_t p = 0; p < point_wkb.size(); ++p) {
        const double w = point_weight(static_cast<Eigen::Index>(p));
        if (in_source[p] < 0 || !(w > 0.0)) continue;
        total(in_source[p]) += w;
        if (in_target[p] >= 0) mass[static_cast<std::size_t>(in_source[p])][in_target[p]] += w;
    }
    // Sources without weighted points fall back to their area shares, so none is dropped.
    std::vector<std::string> empty_sources;
    std::vector<Eigen::Index> fallback;
    for (Eigen::Index s = 0; s < n_sources; ++s)
        if (!(total(s) > 0.0)) fallback.push_back(s);
    Crosswalk by_area;
    if (!fallback.empty()) {
        std::vector<std::string> subset;
        for (Eigen::Index s : fallback) subset.push_back(source_wkb[static_cast<std::size_t>(s)]);
        by_area = overlay_crosswalk(subset, target_wkb, threads, control);
    }
    std::vector<std::vector<std::pair<Eigen::Index, double>>> rows(source_wkb.size());
    for (Eigen::Index s = 0; s < n_sources; ++s)
        for (const auto& [t, w] : mass[static_cast<std::size_t>(s)])
            rows[static_cast<std::size_t>(s)].emplace_back(t, w / total(s));
    for (std::size_t i = 0; i < fallback.size(); ++i)
        for (Crosswalk::Matrix::InnerIterator it(by_area.weights(), static_cast<Eigen::Index>(i)); it; ++it)
            rows[static_cast<std::size_t>(fallback[i])].emplace_back(it.col(), it.value());
    if (area_fallback) *area_fallback = fallback;
    return Crosswalk(from_rows(n_sources, static_cast<Eigen::Index>(target_wkb.size()), rows),
                     "population-weighted overlay (weighted points; area weights where a source holds none)");
}

namespace {

Crosswalk points_from_owners(const std::vector<Eigen::Index>& owner, std::size_t polygons, const Eigen::VectorXd& point_weight) {
    if (point_weight.size() != 0 && point_weight.size() != static_cast<Eigen::Index>(owner.size()))
        throw InputError("points crosswalk: " + std::to_string(point_weight.size()) + " weights for " +
                         std::to_string(owner.size()) + " points");
    // At most one entry per row, inserted in row order: the compressed matrix is filled directly
    // (millions of points would otherwise mean millions of small allocations).
    Crosswalk::Matrix m(static_cast<Eigen::Index>(owner.size()), static_cast<Eigen::Index>(polygons));
    m.reserve(Eigen::VectorXi::Ones(static_cast<Eigen::Index>(owner.size())));
    for (std::size_t p = 0; p < owner.size(); ++p)
        if (owner[p] >= 0) m.insert(static_cast<Eigen::Index>(p), owner[p]) = 1.0;
    return Crosswalk(std::move(m), "points in polygons (boundary points to the first covering polygon)", point_weight);
}

}  // namespace

Crosswalk points_crosswalk(std::span<const std::string> point_wkb, std::span<const std::string> polygon_wkb,
                           const Eigen::VectorXd& point_weight, int threads, const Control& control) {
    return points_from_owners(locate_points(point_wkb, polygon_wkb, threads, control), polygon_wkb.size(), point_weight);
}

Crosswalk points_crosswalk(std::span<const double> x, std::span<const double> y, std::span<const std::string> polygon_wkb,
                           const Eigen::VectorXd& point_weight, int threads, const Control& control) {
    return points_from_owners(locate_points(x, y, polygon_wkb, threads, control), polygon_wkb.size(), point_weight);
}

LookupCrosswalk lookup_crosswalk(Eigen::Index sources, Eigen::Index targets, std::span<const LookupPair> pairs,
                                 const Eigen::VectorXd& target_weight) {
    if (target_weight.size() != 0 && target_weight.size() != targets)
        throw InputError("lookup crosswalk: " + std::to_string(target_weight.size()) + " target weights for " +
                         std::to_string(targets) + " targets");
    std::vector<std::set<Eigen::Index>> targets_of(static_cast<std::size_t>(sources));
    std::vector<std::set<char>> codes(static_cast<std::size_t>(targets));
    std::vector<std::set<Eigen::Index>> sources_of(static_cast<std::size_t>(targets));
    bool has_codes = false;
    for (const auto& pair : pairs) {
        if (pair.source < 0 || pair.source >= sources || pair.target < 0 || pair.target >= targets)
            throw InputError("lookup crosswalk: pair (" + std::to_string(pair.source) + ", " + std::to_string(pair.target) +
                             ") out of range");
        targets_of[static_cast<std::size_t>(pair.source)].insert(pair.target);
        sources_of[static_cast<std::size_t>(pair.target)].insert(pair.source);
        if (pair.change) {
            has_codes = true;
            codes[static_cast<std::size_t>(pair.target)].insert(pair.change);
        }
    }
    std::vector<std::vector<std::pair<Eigen::Index, double>>> rows(static_cast<std::size_t>(sources));
    for (Eigen::Index s = 0; s < sources; ++s) {
        const auto& ts = targets_of[static_cast<std::size_t>(s)];
        if (ts.empty()) continue;
        double total = 0.0;
        if (target_weight.size() != 0)
            for (Eigen::Index t : ts) total += std::max(0.0, target_weight(t));
        for (Eigen::Index t : ts) {
            // A split is apportioned by the targets' weights; equally when there are none.
            const double share = total > 0.0 ? std::max(0.0, target_weight(t)) / total : 1.0 / static_cast<double>(ts.size());
            rows[static_cast<std::size_t>(s)].emplace_back(t, share);
        }
    }
    LookupCrosswalk out;
    out.crosswalk = Crosswalk(from_rows(sources, targets, rows), "lookup table");
    out.derivation.resize(static_cast<std::size_t>(targets));
    out.source_count.resize(static_cast<std::size_t>(targets));
    for (Eigen::Index t = 0; t < targets; ++t) {
        const auto& from = sources_of[static_cast<std::size_t>(t)];
        out.source_count[static_cast<std::size_t>(t)] = static_cast<int>(from.size());
        if (has_codes) {
            for (char c : std::string("USMX"))
                if (codes[static_cast<std::size_t>(t)].count(c)) out.derivation[static_cast<std::size_t>(t)].push_back(c);
        } else if (from.size() == 1) {
            const bool split = targets_of[static_cast<std::size_t>(*from.begin())].size() > 1;
            out.derivation[static_cast<std::size_t>(t)] = split ? "1:n" : "1:1";
        } else if (!from.empty()) {
            out.derivation[static_cast<std::size_t>(t)] = "n:1";
        }
    }
    return out;
}

Crosswalk member_site_crosswalk(std::span<const std::string> zone_point_wkb, std::span<const std::string> site_wkb,
                                const std::vector<Eigen::Index>& site_area, Eigen::Index areas, MemberAssignment assignment,
                                int k, int threads, const Control& control) {
    if (site_area.size() != site_wkb.size())
        throw InputError("member sites: " + std::to_string(site_area.size()) + " area labels for " +
                         std::to_string(site_wkb.size()) + " sites");
    if (site_wkb.empty()) throw InputError("member sites: no sites; expected at least one member site");
    for (Eigen::Index a : site_area)
        if (a < 0 || a >= areas) throw InputError("member sites: area index " + std::to_string(a) + " out of range");
    const auto zones = point_coordinates(zone_point_wkb, "zone point");
    const auto sites = point_coordinates(site_wkb, "member site");
    const std::size_t n_areas = static_cast<std::size_t>(areas);
    std::vector<std::vector<std::pair<Eigen::Index, double>>> rows(zones.size());
    core::parallel_chunks(
        zones.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            std::vector<double> nearest(n_areas);
            std::vector<std::size_t> first_site(n_areas);
            for (std::size_t z = begin; z < end; ++z) {
            // Squared distance to the nearest member site of each area (plain scan: sites are few),
            // remembering which site: equidistant sites (practices sharing a building) are
            // settled in favour of the one listed first.
                std::fill(nearest.begin(), nearest.end(), std::numeric_limits<double>::infinity());
                for (std::size_t i = 0; i < sites.size(); ++i) {
                    const double dx = sites[i].x - zones[z].x, dy = sites[i].y - zones[z].y;
                    const auto a = static_cast<std::size_t>(site_area[i]);
                    const double d2 = dx * dx + dy * dy;
                    if (d2 < nearest[a]) {
                        nearest[a] = d2;
                        first_site[a] = i;
                    }
                }
                std::vector<std::size_t> order;
                for (std::size_t a = 0; a < n_areas; ++a)
                    if (std::isfinite(nearest[a])) order.push_back(a);
                std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                    return nearest[a] != nearest[b] ? nearest[a] < nearest[b] : first_site[a] < first_site[b];
                });
                if (assignment == MemberAssignment::Nearest || nearest[order.front()] == 0.0) {
                    rows[z].emplace_back(static_cast<Eigen::Index>(order.front()), 1.0);
                    continue;
                }
                const std::size_t take = std::min<std::size_t>(order.size(), static_cast<std::size_t>(std::max(1, k)));
                double total = 0.0;
                for (std::size_t i = 0; i < take; ++i) total += 1.0 / nearest[order[i]];
                for (std::size_t i = 0; i < take; ++i)
                    rows[z].emplace_back(static_cast<Eigen::Index>(order[i]), (1.0 / nearest[order[i]]) / total);
                std::sort(rows[z].begin(), rows[z].end());
            }
        },
        control, "assigning zones to member sites");
    const std::string method = assignment == MemberAssignment::Nearest
                                   ? "member sites: each zone to the area of its nearest member site"
                                   : "member sites: zones shared by inverse squared distance among the nearest sites of the " +
                                         std::to_string(k) + " nearest areas";
    return Crosswalk(from_rows(static_cast<Eigen::Index>(zones.size()), areas, rows), method);
}

Eigen::VectorXd polygon_areas(std::span<const std::string> polygon_wkb, int threads, const Control& control) {
    Eigen::VectorXd out(static_cast<Eigen::Index>(polygon_wkb.size()));
    core::parallel_chunks(
        polygon_wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            GeosContext ctx;
            for (std::size_t i = begin; i < end; ++i)
                out(static_cast<Eigen::Index>(i)) = ctx.area(ctx.from_wkb(polygon_wkb[i]).get());
        },
        control, "measuring polygon areas");
    return out;
}

std::vector<std::string> centroids(std::span<const std::string> polygon_wkb, int threads, const Control& control) {
    std::vector<std::string> out(polygon_wkb.size());
    core::parallel_chunks(
        polygon_wkb.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            GeosContext ctx;
            for (std::size_t i = begin; i < end; ++i) {
                auto polygon = ctx.from_wkb(polygon_wkb[i]);
                out[i] = ctx.to_wkb(ctx.own(GEOSGetCentroid_r(ctx.handle(), polygon.get()), "centroid").get());
            }
        },
        control, "finding centroids");
    return out;
}

std::vector<std::string> dissolve(std::span<const std::string> polygon_wkb, const std::vector<Eigen::Index>& group,
                                  Eigen::Index groups, int threads, const Control& control) {
    if (group.size() != polygon_wkb.size())
        throw InputError("dissolve: " + std::to_string(group.size()) + " group labels for " + std::to_string(polygon_wkb.size()) +
                         " polygons");
    std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(groups));
    for (std::size_t i = 0; i < group.size(); ++i)
        if (group[i] >= 0 && group[i] < groups) members[static_cast<std::size_t>(group[i])].push_back(i);
    std::vector<std::string> out(static_cast<std::size_t>(groups));
    core::parallel_chunks(
        out.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            GeosContext ctx;
            const auto h = ctx.handle();
            for (std::size_t g = begin; g < end; ++g) {
                if (members[g].empty()) continue;
                std::vector<GEOSGeometry*> parts;
                for (std::size_t i : members[g]) parts.push_back(ctx.from_wkb(polygon_wkb[i]).release());
                auto collection = ctx.own(
                    GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size())),
                    "collection");
                auto merged = ctx.own(GEOSUnaryUnion_r(h, collection.get()), "union");
                out[g] = ctx.to_wkb(merged.get());
            }
        },
        control, "dissolving polygons");
    return out;
}

}  // namespace furthest
