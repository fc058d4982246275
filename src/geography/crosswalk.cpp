#include "furthest/crosswalk.hpp"

#include <cmath>
#include <limits>

namespace furthest {

Crosswalk::Crosswalk(Matrix weights, std::string method) : weights_(std::move(weights)), method_(std::move(method)) {
    weights_.makeCompressed();
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

Eigen::VectorXd Crosswalk::apply_extensive(const Eigen::VectorXd& x) const {
    const Eigen::VectorXd clean = x.unaryExpr([](double v) { return std::isnan(v) ? 0.0 : v; });
    return weights_.transpose() * clean;
}

Eigen::VectorXd Crosswalk::apply_intensive(const Eigen::VectorXd& x, const Eigen::VectorXd& source_weight) const {
    Eigen::VectorXd numerator = Eigen::VectorXd::Zero(weights_.cols());
    Eigen::VectorXd denominator = Eigen::VectorXd::Zero(weights_.cols());
    for (Eigen::Index s = 0; s < weights_.outerSize(); ++s) {
        if (std::isnan(x(s)) || std::isnan(source_weight(s))) continue;
        for (Matrix::InnerIterator it(weights_, s); it; ++it) {
            const double w = it.value() * source_weight(s);
            numerator(it.col()) += w * x(s);
            denominator(it.col()) += w;
        }
    }
    Eigen::VectorXd out(weights_.cols());
    for (Eigen::Index t = 0; t < out.size(); ++t)
        out(t) = denominator(t) > 0.0 ? numerator(t) / denominator(t) : std::numeric_limits<double>::quiet_NaN();
    return out;
}

}  // namespace furthest
