// Private pieces of the scoring engine (src/scoring) shared by its files (normalise, weights, aggregate,
// classify, uncertainty, method summary). Rows are the zones being scored (dropped zones removed).
#pragma once

#include "furthest/control.hpp"
#include "furthest/scoring.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace furthest::scoring_detail {

using Index = Eigen::Index;

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// The reference set: one group of all rows, or one group per partnership area.
struct Groups {
    std::vector<std::int64_t> of;             ///< group of each row
    std::vector<std::vector<Index>> members;  ///< rows of each group, ascending
};

Groups single_group(Index rows);
/// One group per area; rows without an area (-1) form a group of their own.
Groups area_groups(const std::vector<std::int64_t>& area_of_row);

/// Average ascending rank of each non-NaN value within its group, divided by the group's count
/// of values: (0, 1], as pandas rank(pct=True). NaN stays NaN.
Eigen::VectorXd scaled_ranks(const Eigen::VectorXd& values, const Groups& groups);

/// The scaled rank a value `v` would have among a group's sorted values with the row's own
/// value `own` taken out and `v` put in (one zone moves, the others stay).
double scaled_rank_among(const std::vector<double>& sorted_with_own, double own, double v);

/// One indicator with every default resolved.
struct IndicatorPlan {
    std::string name;
    double sign = 1.0;  ///< -1 when lower values mean more need
    Transform transform = Transform::None;
    double log_offset = 0.0;
    Normalisation normalisation = Normalisation::ZScore;
    double reference_value = kUnset, goalpost_low = kUnset, goalpost_high = kUnset;
    Winsorising winsorise = Winsorising::None;
    double winsorise_low = 0.0, winsorise_high = 1.0;
    MissingValues missing = MissingValues::Error;
    Index domain = 0;
    double clip_low = -kInf, clip_high = kInf;  ///< winsorising bounds, fitted on the data
};

/// What normalisation learnt from one group, so a single zone's moved value can be placed.
struct ColumnFit {
    double scale = 1.0, offset = 0.0;  ///< affine normalisations: y = scale * t + offset
    bool clip01 = false;               ///< goalposts
    double clip_top = 1.0;
    std::vector<double> sorted_oriented;     ///< rank transforms: the group's oriented values, sorted
    std::vector<double> sorted_transformed;  ///< percentile rank: the group's transformed values, sorted
};

/// Orient, transform and normalise a raw column (already clipped and imputed; NaN = flagged) within
/// each group. `fits` (optional) receives one fit per group; `warnings` notes groups with no spread.
Eigen::VectorXd normalise_column(const Eigen::VectorXd& raw, const IndicatorPlan& plan, Normalisation normalisation,
                                 const Groups& groups, std::vector<ColumnFit>* fits, std::vector<std::string>* warnings);

/// The normalised value of `raw` for a row whose nominal raw value is `own_raw`, with every other
/// zone held at its nominal value (the group's fit).
double normalise_value(double raw, double own_raw, const IndicatorPlan& plan, Normalisation normalisation, const ColumnFit& fit);

/// ln(x + offset) where asked, then times the sign: the oriented value before rank transforms.
double oriented(double raw, const IndicatorPlan& plan);

/// Apply Rank or ImdExponential to a domain score within each group (NaN kept); None passes through.
Eigen::VectorXd transform_scores(const Eigen::VectorXd& scores, Transform transform, const Groups& groups);

/// Sample moments of the finite values.
IndicatorStats describe(const std::string& name, const Eigen::VectorXd& values);

/// Quantile with linear interpolation between order statistics (NumPy's default) of finite values.
double quantile_linear(std::vector<double> values, double p);

/// The structure of the index after resolving domains and weights. Columns are in domain order.
struct Model {
    Index rows = 0, k = 0, d = 0;
    std::vector<IndicatorPlan> plans;      ///< spec order
    std::vector<Index> column_of;          ///< spec index -> column (domain order)
    std::vector<Index> indicator_of;       ///< column -> spec index
    std::vector<Index> domain_start, domain_size;
    std::vector<std::string> domain_names;
    std::vector<Aggregation> domain_aggregation;
    std::vector<Transform> domain_transform;
    Aggregation index_aggregation = Aggregation::Arithmetic;
    Groups groups;
    Eigen::MatrixXd present;        ///< rows x k, 1 where a value is present; empty when nothing is flagged
    Eigen::VectorXd within;         ///< k, indicator weights summing to 1 in each domain
    Eigen::VectorXd domain_weight;  ///< d, summing to 1
    Index domain_of_column(Index column) const;
    bool any_geometric() const;
    /// One product Y * w gives the score: no domain transforms, no flagged values, one kind of mean.
    bool single_product() const;
};

/// Effective weight of each column: domain weight times indicator weight (columns of `within`).
Eigen::MatrixXd effective_weights(const Model& model, const Eigen::MatrixXd& within, const Eigen::MatrixXd& domain);

/// Scores for B weightings at once (columns of `within`, k x B, and `domain`, d x B, each already
/// summing to 1 per domain / overall). `y` is rows x k in domain order with 0 where absent,
/// `log_y` its logarithm (needed when anything is geometric). `fixed` may hold, per domain, the
/// transformed score of a one-indicator domain (it does not change with the weights).
/// `domain_raw`/`domain_out` receive the domain scores before/after their transform (B = 1 only).
void aggregate(const Model& model, const Eigen::MatrixXd& y, const Eigen::MatrixXd& log_y, const Eigen::MatrixXd& within,
               const Eigen::MatrixXd& domain, const std::vector<Eigen::VectorXd>* fixed, Eigen::MatrixXd& score,
               Eigen::MatrixXd* domain_raw = nullptr, Eigen::MatrixXd* domain_out = nullptr);

/// Each column's share of the nominal score (rows x k, domain order); rows sum to the score.
Eigen::MatrixXd contributions(const Model& model, const Eigen::MatrixXd& y, const Eigen::VectorXd& score,
                              const Eigen::MatrixXd& domain_raw, const Eigen::MatrixXd& domain_out);

/// Score of one row whose normalised values are `y_row` (domain order), other zones at their
/// nominal values; `domain_fits[d]` holds each group's sorted nominal domain scores when the
/// domain has a rank transform.
double row_score(const Model& model, Index row, const Eigen::VectorXd& y_row, const Eigen::MatrixXd& domain_raw,
                 const std::vector<std::vector<std::vector<double>>>& domain_fits);

/// Principal components of the complete rows of `data` (standardised): weights as documented in PcaReport.
PcaReport principal_components(const Eigen::MatrixXd& data, const std::vector<std::string>& names, int components,
                               const std::string& level, std::vector<std::string>& warnings);

/// Pearson correlations of the columns over rows where all are finite.
Eigen::MatrixXd correlation_matrix(const Eigen::MatrixXd& data);

/// Everything the Monte Carlo needs beyond the model.
struct UncertaintyInputs {
    const Eigen::MatrixXd* raw = nullptr;              ///< rows x k, spec order: clipped, imputed, NaN flagged
    const Eigen::MatrixXd* standard_errors = nullptr;  ///< rows x k, spec order, NaN = none; may be empty
    const Eigen::MatrixXd* y = nullptr;                ///< nominal normalised, domain order, 0 where absent
    const Eigen::MatrixXd* domain_raw = nullptr;       ///< nominal domain scores before their transform
    const Eigen::VectorXd* score = nullptr;
    const std::vector<std::int64_t>* rank = nullptr;   ///< nominal ranks of the rows
    const std::vector<std::int64_t>* area = nullptr;   ///< area of each row (-1 none); may be empty
    std::vector<Normalisation> nominal;                ///< per indicator, spec order
    std::vector<std::vector<ColumnFit>> fits;          ///< per indicator (spec order), per group
    std::vector<std::vector<std::vector<double>>> domain_fits;
    std::int64_t top_n_in_area = 5;
};

/// Monte Carlo rank summaries and one-at-a-time factors (rows of the model).
/// Checks `control` between blocks of at most 16 draws and reports "uncertainty draws" once per batch.
RankUncertainty run_uncertainty(const Model& model, const UncertaintyInputs& inputs, const UncertaintySpec& spec,
                                std::vector<std::string>& notes, const Control& control);

/// Plain-words method summary.
std::string method_summary(const ScoringSpec& spec, const Model& model, const ScoringResult& result, Index zones_given);

/// Names used in summaries and specs.
std::string to_string(Normalisation value);
std::string to_string(Transform value);
std::string to_string(MissingValues value);
std::string to_string(Aggregation value);
std::string to_string(Weighting value);

}  // namespace furthest::scoring_detail
