/// @brief A crosswalk: a sparse sources x targets weight matrix that moves values between geographies.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <span>
#include <string>
#include <vector>

namespace furthest {

/// W(s, t) is the share of source s that falls in target t. Rows sum to one where a source is
/// fully covered; `uncovered(s)` is the share of s that fell in no target (gaps, slivers).
class Crosswalk {
public:
    using Matrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;

    Crosswalk() = default;
    Crosswalk(Matrix weights, std::string method);

    const Matrix& weights() const { return weights_; }
    const std::string& method() const { return method_; }
    Eigen::Index sources() const { return weights_.rows(); }
    Eigen::Index targets() const { return weights_.cols(); }

    /// 1 - (row sum) per source, clamped at zero.
    Eigen::VectorXd uncovered() const;
    /// Target with the largest share per source (ties: lowest target index); -1 if none.
    std::vector<Eigen::Index> main_target() const;
    /// Extensive variables (counts): y = W^T x. Missing (NaN) source values count as zero.
    Eigen::VectorXd apply_extensive(const Eigen::VectorXd& x) const;
    /// Intensive variables (rates, scores): weighted mean over sources, weights W(s,t)*w(s).
    /// NaN where a target receives no weight.
    Eigen::VectorXd apply_intensive(const Eigen::VectorXd& x, const Eigen::VectorXd& source_weight) const;

private:
    Matrix weights_;
    std::string method_;
};

/// Area-weighted polygon overlay of sources onto targets. Geometries are WKB in one
/// projected CRS. Parallel over sources; the result does not depend on `threads`.
Crosswalk overlay_crosswalk(std::span<const std::string> source_wkb,
                            std::span<const std::string> target_wkb, int threads = 0);

/// Which polygon holds each point: index into `polygon_wkb`, or -1 for none. A point on a
/// boundary shared by several polygons goes to the lowest-index polygon that covers it.
std::vector<Eigen::Index> locate_points(std::span<const std::string> point_wkb,
                                        std::span<const std::string> polygon_wkb, int threads = 0);

}  // namespace furthest
