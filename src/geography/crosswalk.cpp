#include "furthest/crosswalk.hpp"

#include "furthest/errors.hpp"

#include <cmath>
#include <limits>

namespace furthest {

Crosswalk::Crosswalk(Matrix weights, std::string method, Eigen::VectorXd source_weight)
    : weights_(std::move(weights)), method_(std::move(method)), source_weight_(std::move(source_weight)) {
    weights_.makeCompressed();
    if (source_weight_.size() == 0) source_weight_ = Eigen::VectorXd::Ones(weights_.rows());
    if (source_weight_.size() != weights_.rows())
        throw InputError("crosswalk: " + std::to_string(source_weight_.size()) + " source weights for " +
                         std::to_string(weights_.rows()) + " sources");
}

Eigen::VectorXd Crosswalk::uncovered() const {
    Eigen::VectorXd out(weights_.rows());
    for (Eigen::Index s = 0; s < weights_.outerSize(); ++s) {
        double sum = 0.0;
        for (Matrix::InnerIterator it(weights_, s); it; ++it) sum += it.value();
        out(s) = std::max(0.0, 1.0 - sum);
    }
    return out;
}

std::vector<Eigen::Index> Crosswalk::main_target() const {
    std::vector<Eigen::Index> out(static_cast<std::size_t>(weights_.rows()), -1);
    for (Eigen::Index s = 0; s < weights_.outerSize(); ++s) {
        double best = 0.0;
        for (Matrix::InnerIterator it(weights_, s); it; ++it) {
            // Inner indices ascend, so a strict '>' keeps the lowest target on ties.
            if (it.value() > best) {
                best = it.value();
                out[static_cast<std::size_t>(s)] = it.col();
            }
        }
    }
    return out;
}

Eigen::VectorXd Crosswalk::apply_extensive(const Eigen::VectorXd& x, Eigen::VectorXd* missing_share) const {
    if (x.size() != weights_.rows())
        throw InputError("crosswalk: " + std::to_string(x.size()) + " values for " + std::to_string(weights_.rows()) +
                         " sources");
    const Eigen::VectorXd clean = x.unaryExpr([](double v) { return std::isnan(v) ? 0.0 : v; });
    if (missing_share) {
        const Eigen::VectorXd is_missing = x.unaryExpr([](double v) { return std::isnan(v) ? 1.0 : 0.0; });
        const Eigen::VectorXd incoming = weights_.transpose() * Eigen::VectorXd::Ones(weights_.rows());
        const Eigen::VectorXd missing = weights_.transpose() * is_missing;
        *missing_share = missing.cwiseQuotient(incoming).unaryExpr([](double v) { return std::isfinite(v) ? v : 0.0; });
    }
    return weights_.transpose() * clean;
}

Eigen::VectorXd Crosswalk::apply_intensive(const Eigen::VectorXd& x, const Eigen::VectorXd& source_weight,
                                           Eigen::VectorXd* missing_share) const {
    if (x.size() != weights_.rows() || source_weight.size() != weights_.rows())
        throw InputError("crosswalk: values and weights must have one entry per source (" + std::to_string(weights_.rows()) +
                         ")");
    Eigen::VectorXd numerator = Eigen::VectorXd::Zero(weights_.cols());
    Eigen::VectorXd denominator = Eigen::VectorXd::Zero(weights_.cols());
    Eigen::VectorXd missing = Eigen::VectorXd::Zero(weights_.cols());
    for (Eigen::Index s = 0; s < weights_.outerSize(); ++s) {
        if (std::isnan(source_weight(s))) continue;
        const bool absent = std::isnan(x(s));
        for (Matrix::InnerIterator it(weights_, s); it; ++it) {
            const double w = it.value() * source_weight(s);
            if (absent) {
                missing(it.col()) += w;
                continue;
            }
            numerator(it.col()) += w * x(s);
            denominator(it.col()) += w;
        }
    }
    Eigen::VectorXd out(weights_.cols());
    for (Eigen::Index t = 0; t < out.size(); ++t)
        out(t) = denominator(t) > 0.0 ? numerator(t) / denominator(t) : std::numeric_limits<double>::quiet_NaN();
    if (missing_share) {
        missing_share->resize(weights_.cols());
        for (Eigen::Index t = 0; t < out.size(); ++t) {
            const double total = denominator(t) + missing(t);
            (*missing_share)(t) = total > 0.0 ? missing(t) / total : 0.0;
        }
    }
    return out;
}

Eigen::VectorXd Crosswalk::apply_intensive(const Eigen::VectorXd& x, Eigen::VectorXd* missing_share) const {
    return apply_intensive(x, source_weight_, missing_share);
}

Eigen::MatrixXd Crosswalk::class_shares(const std::vector<int>& category, int classes) const {
    if (static_cast<Eigen::Index>(category.size()) != weights_.rows())
        throw InputError("crosswalk: " + std::to_string(category.size()) + " categories for " + std::to_string(weights_.rows()) +
                         " sources");
    Eigen::MatrixXd shares = Eigen::MatrixXd::Zero(weights_.cols(), classes);
    for (Eigen::Index s = 0; s < weights_.outerSize(); ++s) {
        const int c = category[static_cast<std::size_t>(s)];
        if (c < 0) continue;
        if (c >= classes)
            throw InputError("crosswalk: category " + std::to_string(c) + " outside [0, " + std::to_string(classes) + ")");
        for (Matrix::InnerIterator it(weights_, s); it; ++it) shares(it.col(), c) += it.value() * source_weight_(s);
    }
    for (Eigen::Index t = 0; t < shares.rows(); ++t) {
        const double total = shares.row(t).sum();
        if (total > 0.0) shares.row(t) /= total;
    }
    return shares;
}

std::vector<int> Crosswalk::majority(const Eigen::MatrixXd& shares) {
    std::vector<int> out(static_cast<std::size_t>(shares.rows()), -1);
    for (Eigen::Index t = 0; t < shares.rows(); ++t) {
        double best = 0.0;
        for (Eigen::Index c = 0; c < shares.cols(); ++c)
            if (shares(t, c) > best) {
                best = shares(t, c);
                out[static_cast<std::size_t>(t)] = static_cast<int>(c);
            }
    }
    return out;
}

Crosswalk Crosswalk::then(const Crosswalk& next) const {
    if (targets() != next.sources())
        throw InputError("crosswalk composition: the first has " + std::to_string(targets()) + " targets but the second has " +
                         std::to_string(next.sources()) + " sources");
    Matrix product = (weights_ * next.weights_).pruned();
    return Crosswalk(std::move(product), method_ + ", then " + next.method_, source_weight_);
}

}  // namespace furthest
