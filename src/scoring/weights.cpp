// Data-driven weights from principal components, and the indicator correlation matrix (OECD/JRC
// Handbook on Constructing Composite Indicators, 2008, sections 4.1 and 6.1).
#include "scoring/scoring_internal.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace furthest::scoring_detail {
namespace {

// Rows where every column is finite.
std::vector<Index> complete_rows(const Eigen::MatrixXd& data) {
    std::vector<Index> rows;
    for (Index r = 0; r < data.rows(); ++r)
        if (data.row(r).allFinite()) rows.push_back(r);
    return rows;
}

}  // namespace

Eigen::MatrixXd correlation_matrix(const Eigen::MatrixXd& data) {
    const Index k = data.cols();
    const auto rows = complete_rows(data);
    Eigen::MatrixXd x(static_cast<Index>(rows.size()), k);
    for (std::size_t i = 0; i < rows.size(); ++i) x.row(static_cast<Index>(i)) = data.row(rows[i]);
    Eigen::MatrixXd corr = Eigen::MatrixXd::Constant(k, k, kUnset);
    if (x.rows() < 2) return corr;
    const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
    const Eigen::MatrixXd cov = centred.transpose() * centred;
    for (Index a = 0; a < k; ++a)
        for (Index b = 0; b < k; ++b) {
            const double denom = std::sqrt(cov(a, a) * cov(b, b));
            corr(a, b) = denom > 0.0 ? cov(a, b) / denom : (a == b ? 1.0 : kUnset);
        }
    return corr;
}

PcaReport principal_components(const Eigen::MatrixXd& data, const std::vector<std::string>& names, int components,
                               const std::string& level, std::vector<std::string>& warnings) {
    PcaReport report;
    report.level = level;
    report.variables = names;
    const Index k = data.cols();
    const auto rows = complete_rows(data);
    report.rows = static_cast<std::int64_t>(rows.size());
    report.weights = Eigen::VectorXd::Zero(k);
    if (rows.size() < 3 || k == 0) {
        warnings.push_back("PCA weights for " + level + ": fewer than 3 complete zones; equal weights used");
        report.weights.setConstant(k > 0 ? 1.0 / static_cast<double>(k) : 0.0);
        return report;
    }
    // Standardised columns: PCA of the correlation matrix, so units do not set the weights.
    Eigen::MatrixXd z(static_cast<Index>(rows.size()), k);
    for (std::size_t i = 0; i < rows.size(); ++i) z.row(static_cast<Index>(i)) = data.row(rows[i]);
    z.rowwise() -= z.colwise().mean();
    std::vector<Index> used;
    for (Index j = 0; j < k; ++j) {
        const double sd = std::sqrt(z.col(j).squaredNorm() / static_cast<double>(z.rows() - 1));
        if (sd > 0.0) {
            z.col(j) /= sd;
            used.push_back(j);
        } else {
            warnings.push_back("PCA weights for " + level + ": '" + names[static_cast<std::size_t>(j)] +
                               "' has no spread and gets weight 0");
        }
    }
    const Index p = static_cast<Index>(used.size());
    Eigen::MatrixXd zu(z.rows(), p);
    for (Index j = 0; j < p; ++j) zu.col(j) = z.col(used[static_cast<std::size_t>(j)]);
    const Eigen::MatrixXd corr = (zu.transpose() * zu) / static_cast<double>(z.rows() - 1);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(corr);
    // Eigen sorts ascending; components are reported largest first.
    const Eigen::VectorXd values = solver.eigenvalues().reverse().cwiseMax(0.0);
    const Eigen::MatrixXd vectors = solver.eigenvectors().rowwise().reverse();
    report.eigenvalues = Eigen::VectorXd::Zero(k);
    report.loadings = Eigen::MatrixXd::Zero(k, k);
    report.eigenvalues.head(p) = values;
    for (Index j = 0; j < p; ++j) report.loadings.row(used[static_cast<std::size_t>(j)]).head(p) = vectors.row(j);
    const double total = values.sum();
    report.explained = total > 0.0 ? Eigen::VectorXd(report.eigenvalues / total) : Eigen::VectorXd::Zero(k);
    int used_components = components;
    if (components <= 0) {
        // Kaiser rule: components that explain more than one indicator's worth of variance.
        used_components = std::max<int>(1, static_cast<int>((values.array() > 1.0).count()));
    }
    used_components = std::min<int>(used_components, static_cast<int>(p));
    report.components = used_components;
    // Weight = sum over the components used of (share of their variance) x (squared loading):
    // with one component, the squared loadings of the first principal component.
    const double kept = values.head(used_components).sum();
    for (Index j = 0; j < p; ++j) {
        double w = 0.0;
        for (Index c = 0; c < used_components; ++c) w += values(c) * vectors(j, c) * vectors(j, c);
        report.weights(used[static_cast<std::size_t>(j)]) = kept > 0.0 ? w / kept : 1.0 / static_cast<double>(p);
    }
    return report;
}

}  // namespace furthest::scoring_detail
