/// @brief A crosswalk: a sparse sources x targets weight matrix that moves values between geographies.
#pragma once

#include "furthest/control.hpp"

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <span>
#include <string>
#include <vector>

namespace furthest {

/// W(s, t) is the share of source s that falls in target t. Rows sum to one where a source is
/// fully covered; `uncovered(s)` is the share of s that fell in no target (gaps, slivers,
/// points outside every polygon). Every join in furthest goes through one of these: geometry
/// work happens once, when W is built; moving values is then linear algebra.
class Crosswalk {
public:
    using Matrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

    Crosswalk() = default;
    /// `source_weight` (people, premises ...) is what intensive values are averaged by;
    /// empty means every source weighs one.
    Crosswalk(Matrix weights, std::string method, Eigen::VectorXd source_weight = {});

    const Matrix& weights() const { return weights_; }
    const std::string& method() const { return method_; }
    Eigen::Index sources() const { return weights_.rows(); }
    Eigen::Index targets() const { return weights_.cols(); }
    /// Per-source weight used by apply_intensive (ones when none was given).
    const Eigen::VectorXd& source_weight() const { return source_weight_; }

    /// 1 - (row sum) per source, clamped at zero.
    Eigen::VectorXd uncovered() const;
    /// Target with the largest share per source (ties: lowest target index); -1 if none.
    std::vector<Eigen::Index> main_target() const;
    /// Extensive variables (counts): y = W^T x. Missing (NaN) source values count as zero;
    /// `missing_share` (optional) gets, per target, the share of incoming weight that was missing.
    Eigen::VectorXd apply_extensive(const Eigen::VectorXd& x, Eigen::VectorXd* missing_share = nullptr) const;
    /// Intensive variables (rates, scores): weighted mean over sources with weights W(s,t)*w(s).
    /// NaN where a target receives no weight; missing source values are left out and their
    /// weight reported in `missing_share`.
    Eigen::VectorXd apply_intensive(const Eigen::VectorXd& x, const Eigen::VectorXd& source_weight,
                                    Eigen::VectorXd* missing_share = nullptr) const;
    /// Intensive with the crosswalk's own source weights.
    Eigen::VectorXd apply_intensive(const Eigen::VectorXd& x, Eigen::VectorXd* missing_share = nullptr) const;

    /// Categorical variables: `category[s]` in [0, classes) or -1 for missing. Returns
    /// targets x classes shares (of the target's non-missing incoming weight) ...
    Eigen::MatrixXd class_shares(const std::vector<int>& category, int classes) const;
    /// ... and the majority class per target (ties: lowest class; -1 when nothing arrives).
    static std::vector<int> majority(const Eigen::MatrixXd& shares);

    /// This crosswalk followed by `next` (its sources are this one's targets): W = W1 * W2.
    Crosswalk then(const Crosswalk& next) const;

private:
    Matrix weights_;
    std::string method_;
    Eigen::VectorXd source_weight_;
};

/// Area-weighted polygon overlay of sources onto targets. Geometries are WKB in one
/// projected CRS. Parallel over sources; the result does not depend on `threads`.
///
/// The builders below that can take over a second on national data poll `control`: they throw
/// Stopped soon after a stop is requested and report the fraction done (from the calling thread).
Crosswalk overlay_crosswalk(std::span<const std::string> source_wkb, std::span<const std::string> target_wkb, int threads = 0,
                            const Control& control = {});

/// Population-weighted overlay: W(s, t) = weight of the points lying in both s and t over the
/// weight of the points in s (points such as output-area or postcode centroids with counts).
/// Sources that hold no weighted point fall back to area weighting; their indices are
/// returned in `area_fallback`.
Crosswalk weighted_points_overlay(std::span<const std::string> source_wkb, std::span<const std::string> target_wkb,
                                  std::span<const std::string> point_wkb, const Eigen::VectorXd& point_weight,
                                  std::vector<Eigen::Index>* area_fallback = nullptr, int threads = 0,
                                  const Control& control = {});

/// Which polygon holds each point: index into `polygon_wkb`, or -1 for none. A point on a
/// boundary shared by several polygons goes to the lowest-index polygon that covers it.
std::vector<Eigen::Index> locate_points(std::span<const std::string> point_wkb, std::span<const std::string> polygon_wkb,
                                        int threads = 0, const Control& control = {});

/// The same for points given as coordinate arrays (NaN: no point).
std::vector<Eigen::Index> locate_points(std::span<const double> x, std::span<const double> y,
                                        std::span<const std::string> polygon_wkb, int threads = 0, const Control& control = {});

/// Points (sources) into polygons (targets), W(p, t) = 1 for the polygon holding p (rule of
/// locate_points); points in no polygon have an empty row (uncovered = 1). `point_weight`
/// (premises, people) becomes the crosswalk's source weight.
Crosswalk points_crosswalk(std::span<const std::string> point_wkb, std::span<const std::string> polygon_wkb,
                           const Eigen::VectorXd& point_weight = {}, int threads = 0, const Control& control = {});
/// The same for points given as coordinate arrays.
Crosswalk points_crosswalk(std::span<const double> x, std::span<const double> y, std::span<const std::string> polygon_wkb,
                           const Eigen::VectorXd& point_weight = {}, int threads = 0, const Control& control = {});

/// One row of a lookup table, already resolved to indices. `change` is the ONS change code
/// (U unchanged, S split, M merged, X irregular) or 0 when the table has none.
struct LookupPair {
    Eigen::Index source;
    Eigen::Index target;
    char change = 0;
};

/// A crosswalk from a lookup table and how each target was derived.
struct LookupCrosswalk {
    Crosswalk crosswalk;
    std::vector<std::string> derivation;  ///< per target: change codes seen ("U", "S", "M", "X", "SM" ...) or "1:1", "n:1"
    std::vector<int> source_count;        ///< per target: how many sources feed it
};

/// Many-to-one rows get weight one; a source with several targets (a split) is apportioned by
/// `target_weight` (population, households or area of each target; equal when empty or all
/// zero for that source). Duplicate pairs are merged.
LookupCrosswalk lookup_crosswalk(Eigen::Index sources, Eigen::Index targets, std::span<const LookupPair> pairs,
                                 const Eigen::VectorXd& target_weight = {});

/// How zones join an area that is defined by its member sites (GP practices of a PCN/LCP).
enum class MemberAssignment {
    Nearest,  ///< each zone belongs wholly to the area of its nearest member site (ties: the site listed first)
    Shared    ///< shared by inverse squared distance among the nearest sites of the `k` nearest areas
};

/// Zones (represented by points, e.g. centroids or population-weighted centroids) to areas
/// defined by member sites; `site_area[i]` is site i's area index in [0, areas).
Crosswalk member_site_crosswalk(std::span<const std::string> zone_point_wkb, std::span<const std::string> site_wkb,
                                const std::vector<Eigen::Index>& site_area, Eigen::Index areas,
                                MemberAssignment assignment = MemberAssignment::Nearest, int k = 3, int threads = 0,
                                const Control& control = {});

/// A polygon repaired before a join: its position in the input and GEOS's reason it was invalid.
struct GeometryRepair {
    std::size_t index;
    std::string reason;
};

/// Repair every invalid polygon (WKB, in place) with GEOS MakeValid, keeping its polygonal
/// parts. The overlay measures signed areas: a self-intersecting (bow-tie) polygon's lobes
/// cancel, so an unrepaired one would lose its area and people silently. GeometryError naming
/// the feature (`role` feature i (`labels[i]`)) when a polygon has no area, before or after repair.
std::vector<GeometryRepair> repair_polygons(std::vector<std::string>& polygon_wkb, const std::string& role,
                                            const std::vector<std::string>& labels = {}, int threads = 0,
                                            const Control& control = {});

/// Why points that should lie in the polygons mostly do not: the points, the polygons and the
/// two CRSs a caller declared, tested for the usual slips.
struct PlacementCheck {
    std::size_t points = 0;   ///< points with coordinates
    std::size_t outside = 0;  ///< of them, in no polygon
    std::size_t placed_if_swapped = 0;  ///< of the outside ones, in a polygon once x and y are exchanged
    std::size_t placed_as_degrees = 0;  ///< ... in a polygon when read as longitude/latitude (EPSG:4326)
    /// One sentence on the likely cause ("x and y look swapped: ..."), or empty when no test
    /// places the points.
    std::string likely_cause;
    /// More than half of the points lie in no polygon: a table of sites for the study area keeps a
    /// fringe beyond its edge, not a majority.
    bool mostly_outside() const { return 2 * outside > points; }
};

/// Tests points (x, y in `working_crs`, `owner` from locate_points) that mostly lie in no polygon:
/// with x and y exchanged in `declared_crs` (the CRS the table gave), and, when that CRS is
/// projected and the values look like degrees, as longitude/latitude. Cheap when most points are
/// placed (nothing is tested).
PlacementCheck check_placement(std::span<const double> x, std::span<const double> y, std::span<const Eigen::Index> owner,
                               std::span<const std::string> polygon_wkb, const std::string& declared_crs,
                               const std::string& working_crs, int threads = 0);

/// Area of each polygon (WKB, projected CRS units squared).
Eigen::VectorXd polygon_areas(std::span<const std::string> polygon_wkb, int threads = 0, const Control& control = {});

/// Centroid of each polygon (WKB points), for member-site assignment.
std::vector<std::string> centroids(std::span<const std::string> polygon_wkb, int threads = 0, const Control& control = {});

/// Union of the polygons in each group (group[i] in [0, groups) or -1 to leave out), for maps
/// of areas built from zones. A group with no member gives an empty WKB string.
std::vector<std::string> dissolve(std::span<const std::string> polygon_wkb, const std::vector<Eigen::Index>& group,
                                  Eigen::Index groups, int threads = 0, const Control& control = {});

}  // namespace furthest
