// Hierarchical aggregation (indicators -> domains -> index) by weighted arithmetic or geometric
// means, done for many weightings at once as matrix products, and each indicator's exact share of
// the score (OECD/JRC Handbook, 2008, section 6.2; IoD 2019 technical report, section 3.9).
#include "scoring/scoring_internal.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace furthest::scoring_detail {
namespace {

constexpr double kTiny = 1e-12;

double from_rank(double r, Transform t) { return t == Transform::ImdExponential ? imd_exponential(r) : r; }

}  // namespace

Index Model::domain_of_column(Index column) const {
    for (Index dom = 0; dom < d; ++dom)
        if (column >= domain_start[static_cast<std::size_t>(dom)] &&
            column < domain_start[static_cast<std::size_t>(dom)] + domain_size[static_cast<std::size_t>(dom)])
            return dom;
    return -1;
}

bool Model::any_geometric() const {
    return index_aggregation == Aggregation::Geometric || std::any_of(domain_aggregation.begin(), domain_aggregation.end(),
                                                                      [](Aggregation a) { return a == Aggregation::Geometric; });
}

bool Model::single_product() const {
    if (present.size() != 0) return false;
    for (Index dom = 0; dom < d; ++dom) {
        if (domain_transform[static_cast<std::size_t>(dom)] != Transform::None) return false;
        if (domain_aggregation[static_cast<std::size_t>(dom)] != index_aggregation) return false;
    }
    return true;
}

Eigen::MatrixXd effective_weights(const Model& model, const Eigen::MatrixXd& within, const Eigen::MatrixXd& domain) {
    Eigen::MatrixXd w = within;
    for (Index d = 0; d < model.d; ++d) {
        const auto s = model.domain_start[static_cast<std::size_t>(d)], m = model.domain_size[static_cast<std::size_t>(d)];
        w.middleRows(s, m).array().rowwise() *= domain.row(d).array();
    }
    return w;
}

void aggregate(const Model& model, const Eigen::MatrixXd& y, const Eigen::MatrixXd& log_y, const Eigen::MatrixXd& within,
               const Eigen::MatrixXd& domain, const std::vector<Eigen::VectorXd>* fixed, Eigen::MatrixXd& score,
               Eigen::MatrixXd* domain_raw, Eigen::MatrixXd* domain_out) {
    const Index rows = model.rows, draws = within.cols();
    const bool geometric_index = model.index_aggregation == Aggregation::Geometric;
    const bool want_domains = domain_raw != nullptr || domain_out != nullptr;
    if (domain_raw) domain_raw->resize(rows, model.d);
    if (domain_out) domain_out->resize(rows, model.d);

    if (model.single_product() && !want_domains) {
        // The common case: one (zones x indicators) . (indicators x draws) product.
        const Eigen::MatrixXd w = effective_weights(model, within, domain);
        if (geometric_index) {
            score.noalias() = log_y * w;
            score = score.array().exp().matrix();
        } else {
            score.noalias() = y * w;
        }
        return;
    }

    const bool masked = model.present.size() != 0;
    score.setZero(rows, draws);
    Eigen::MatrixXd index_den;
    if (masked) index_den.setZero(rows, draws);
    Eigen::MatrixXd dom(rows, draws);
    for (Index d = 0; d < model.d; ++d) {
        const auto du = static_cast<std::size_t>(d);
        const Index s = model.domain_start[du], m = model.domain_size[du];
        const bool geometric = model.domain_aggregation[du] == Aggregation::Geometric;
        const Transform transform = model.domain_transform[du];
        const bool is_fixed = fixed != nullptr && du < fixed->size() && (*fixed)[du].size() == rows;
        if (is_fixed) {
            dom = (*fixed)[du].replicate(1, draws);
        } else {
            const auto w = within.middleRows(s, m);
            if (geometric) dom.noalias() = log_y.middleCols(s, m) * w;
            else dom.noalias() = y.middleCols(s, m) * w;
            if (masked) {
                // Flagged values: the zone's mean over the indicators it has (weights re-scaled).
                const Eigen::MatrixXd den = model.present.middleCols(s, m) * w;
                dom = (den.array() > 0.0).select(dom.array() / den.array(), kUnset).matrix();
            }
            if (geometric) dom = dom.array().exp().matrix();
            if (domain_raw) domain_raw->col(d) = dom.col(0);
            if (transform != Transform::None)
                for (Index b = 0; b < draws; ++b) dom.col(b) = transform_scores(dom.col(b), transform, model.groups);
        }
        if (domain_raw && is_fixed) domain_raw->col(d) = dom.col(0);
        if (domain_out) domain_out->col(d) = dom.col(0);
        const Eigen::RowVectorXd wd = domain.row(d);
        if (geometric_index) dom = dom.array().log().matrix();
        for (Index b = 0; b < draws; ++b)
            if (wd(b) == 0.0) dom.col(b).setZero();  // a domain left out adds nothing (not 0 x -inf)
        if (masked) {
            const auto there = dom.array().isFinite();
            score.array() += there.select(dom.array().rowwise() * wd.array(), 0.0);
            index_den.array() += there.select(Eigen::ArrayXXd::Ones(rows, draws).rowwise() * wd.array(), 0.0);
        } else {
            score.array() += dom.array().rowwise() * wd.array();
        }
    }
    if (masked) score = (index_den.array() > 0.0).select(score.array() / index_den.array(), kUnset).matrix();
    if (geometric_index) score = score.array().exp().matrix();
}

Eigen::MatrixXd contributions(const Model& model, const Eigen::MatrixXd& y, const Eigen::VectorXd& score,
                              const Eigen::MatrixXd& domain_raw, const Eigen::MatrixXd& domain_out) {
    Eigen::MatrixXd c = Eigen::MatrixXd::Zero(model.rows, model.k);
    const bool masked = model.present.size() != 0;
    const bool geometric_index = model.index_aggregation == Aggregation::Geometric;
    if (model.single_product() && !geometric_index) {
        // Arithmetic throughout: the contribution is the effective weight times the value.
        const Eigen::MatrixXd w = effective_weights(model, model.within, model.domain_weight);
        return y * w.col(0).asDiagonal();
    }
    for (Index r = 0; r < model.rows; ++r) {
        const double s = score(r);
        if (std::isnan(s)) continue;
        double index_den = 0.0;
        for (Index d = 0; d < model.d; ++d)
            if (!std::isnan(domain_out(r, d))) index_den += model.domain_weight(d);
        if (!(index_den > 0.0)) continue;
        const double log_s = geometric_index ? std::log(s) : 0.0;
        for (Index d = 0; d < model.d; ++d) {
            const double t = domain_out(r, d);
            if (std::isnan(t)) continue;
            const double wd = model.domain_weight(d) / index_den;
            // A part's contribution is its share of the aggregate it enters: exact, so parts add up.
            double part;
            if (!geometric_index) part = wd * t;
            else part = std::abs(log_s) > kTiny ? s * (wd * std::log(t)) / log_s : s * wd;
            const auto du = static_cast<std::size_t>(d);
            const Index start = model.domain_start[du], m = model.domain_size[du];
            double den = 0.0;
            for (Index col = start; col < start + m; ++col)
                if (!masked || model.present(r, col) > 0.0) den += model.within(col);
            if (!(den > 0.0)) continue;
            const double raw = domain_raw(r, d);
            const bool geometric = model.domain_aggregation[du] == Aggregation::Geometric;
            const double pivot = geometric ? std::log(raw) : raw;
            for (Index col = start; col < start + m; ++col) {
                if (masked && model.present(r, col) <= 0.0) continue;
                const double w = model.within(col) / den;
                const double term = geometric ? w * std::log(y(r, col)) : w * y(r, col);
                const double share = std::abs(pivot) > kTiny ? term / pivot : w;
                c(r, col) = part * share;
            }
        }
    }
    return c;
}

double row_score(const Model& model, Index row, const Eigen::VectorXd& y_row, const Eigen::MatrixXd& domain_raw,
                 const std::vector<std::vector<std::vector<double>>>& domain_fits) {
    const bool masked = model.present.size() != 0;
    const bool geometric_index = model.index_aggregation == Aggregation::Geometric;
    double total = 0.0, index_den = 0.0;
    for (Index d = 0; d < model.d; ++d) {
        const auto du = static_cast<std::size_t>(d);
        const Index start = model.domain_start[du], m = model.domain_size[du];
        const bool geometric = model.domain_aggregation[du] == Aggregation::Geometric;
        double num = 0.0, den = 0.0;
        for (Index col = start; col < start + m; ++col) {
            if (masked && model.present(row, col) <= 0.0) continue;
            num += model.within(col) * (geometric ? std::log(y_row(col)) : y_row(col));
            den += model.within(col);
        }
        if (!(den > 0.0)) continue;
        double value = num / den;
        if (geometric) value = std::exp(value);
        const Transform transform = model.domain_transform[du];
        if (transform == Transform::Log) value = std::log(value);
        else if (transform != Transform::None) {
            const auto& sorted = domain_fits[du][static_cast<std::size_t>(model.groups.of[static_cast<std::size_t>(row)])];
            value = from_rank(scaled_rank_among(sorted, domain_raw(row, d), value), transform);
        }
        total += model.domain_weight(d) * (geometric_index ? std::log(value) : value);
        index_den += model.domain_weight(d);
    }
    if (!(index_den > 0.0)) return kUnset;
    total /= index_den;
    return geometric_index ? std::exp(total) : total;
}

}  // namespace furthest::scoring_detail
