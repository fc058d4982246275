/// @brief Composite need scores from an indicator matrix (zones x indicators): a defensible need
/// index with rank intervals and explanations (OECD/JRC Handbook on Constructing Composite
/// Indicators, 2008; English Indices of Deprivation technical reports, 2019 and 2025).
#pragma once

#include "furthest/control.hpp"
#include "furthest/table.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace furthest {

/// Which way an indicator points: does a higher value mean more need?
enum class Direction { HigherIsMoreNeed, LowerIsMoreNeed };

/// Per-zone composite: higher score = more need; rank 1 = most need.
struct CompositeScore {
    Eigen::VectorXd score;
    std::vector<std::int64_t> rank;    ///< 1 = most need; ties share the smaller rank
    std::vector<std::int64_t> decile;  ///< 1 = the 10% in most need
    Eigen::VectorXd mean;              ///< per indicator, used for the z-scores
    Eigen::VectorXd sd;                ///< per indicator (sample standard deviation)
};

/// z-score each column, flip those where lower means more need (`sign` = -1), and take the
/// weighted mean with `weights` (normalised to sum to one). Values must be finite; a column
/// with zero spread contributes zero. Throws InputError on bad shapes or weights.
/// (The simplest case of score_zones, and computed by it.)
CompositeScore composite_zscore(const Eigen::MatrixXd& indicators, const Eigen::VectorXd& sign, const Eigen::VectorXd& weights);

/// Rank 1 = highest value; equal values share the smallest rank ("min" ranking); NaN gets 0.
std::vector<std::int64_t> rank_descending(const Eigen::VectorXd& values);

/// IMD-style decile from a rank: 1 for ranks in the first tenth, ... 10.
std::vector<std::int64_t> decile_from_rank(const std::vector<std::int64_t>& rank);

// ---- the scoring engine -----------------------------------------------------------------------

/// Reshaping of the (oriented) values before normalisation.
enum class Transform {
    None,
    Log,             ///< ln(x + log_offset), before orientation
    Rank,            ///< R = rank / n in (0, 1], 1 = most need (average ranks for ties)
    ImdExponential,  ///< X = -23 ln(1 - R (1 - e^(-100/23))), the IoD exponential transform, 0..100
};

/// Putting indicators on a common scale, fitted on the reference set (all zones, or each area).
enum class Normalisation {
    None,
    MinMax,               ///< (v - min) / (max - min), 0..1
    MinMax10,             ///< the same on 0..10
    ZScore,               ///< (v - mean) / sd, sample standard deviation
    PercentileRank,       ///< average rank / n, (0, 1] (pandas rank(pct=True))
    DistanceToReference,  ///< (v - ref) / |ref|, ref given or the reference set's mean
    Goalposts,            ///< (v - low) / (high - low), clipped to 0..1, fixed goalposts
};

/// What to do with a blank (NaN) indicator value. Never silent: each choice is reported.
enum class MissingValues {
    Error,     ///< refuse, naming indicator and zone
    Drop,      ///< leave the zone out of the scoring (listed in the result)
    Mean,      ///< the mean of the zones that have a value
    Median,    ///< their median
    AreaMean,  ///< the mean of the zone's partnership area (overall mean where the area has none)
    Flag,      ///< keep it blank: the zone is scored on the indicators it has, weights re-scaled, and flagged
};

/// Weighted means. Arithmetic is fully compensatory, geometric partially (needs values > 0).
enum class Aggregation { Arithmetic, Geometric };

/// Where weights come from: given, all equal, or principal components (Handbook section 6.1).
enum class Weighting { Explicit, Equal, Pca };

/// Which zones normalisation statistics (and rank transforms) are taken over.
enum class ReferenceSet { All, Area };

/// Map classes of the score.
enum class ClassMethod { Quantiles, EqualInterval, FisherJenks, UserBreaks };

/// Outlier treatment before transforms.
enum class Winsorising {
    None,
    Quantiles,  ///< clip to the given lower and upper quantiles of the zones' values
    Jrc,        ///< JRC rule: clip the most extreme value, up to 5, while |skewness| > 2 and kurtosis > 3.5
};

/// How weights vary in the Monte Carlo.
enum class WeightUncertainty { None, Dirichlet, Percent };

inline constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

/// One indicator of the index.
struct ScoringIndicator {
    std::string name;
    std::string column;  ///< where its values come from (a DataFrame or run column); empty: `name`
    Direction direction = Direction::HigherIsMoreNeed;
    Transform transform = Transform::None;
    double log_offset = 0.0;
    std::optional<Normalisation> normalisation;  ///< default: ScoringSpec::normalisation
    double reference_value = kUnset;             ///< distance_to_reference, raw units; NaN: the reference set's mean
    double goalpost_low = kUnset;                ///< goalposts, raw units
    double goalpost_high = kUnset;
    std::optional<Winsorising> winsorise;        ///< default: ScoringSpec::winsorise
    double winsorise_low = 0.0;                  ///< quantiles for Winsorising::Quantiles
    double winsorise_high = 1.0;
    std::optional<MissingValues> missing;        ///< default: ScoringSpec::missing
    std::string domain;                          ///< empty: the indicator is a domain of its own
    double weight = 1.0;                         ///< within its domain (or as a domain when it has none)
    double standard_error = kUnset;              ///< input noise in raw units, for every zone
    std::string standard_error_column;           ///< per-zone standard errors (resolved by the caller)
};

/// A domain: indicators combined first, then domains into the index (as the IoD does).
struct ScoringDomain {
    std::string name;
    double weight = 1.0;
    Transform transform = Transform::None;     ///< applied to the domain score, e.g. ImdExponential
    std::optional<Aggregation> aggregation;    ///< within the domain; default ScoringSpec::domain_aggregation
};

/// @brief Caps every caller meets (config, C++, Python keywords): map classes and Monte Carlo draws.
inline constexpr int kMaxClasses = 100;
inline constexpr std::int64_t kMaxDraws = 1'000'000;

struct ClassSpec {
    ClassMethod method = ClassMethod::Quantiles;
    int k = 5;
    std::vector<double> breaks;  ///< UserBreaks: upper bounds, ascending
};

/// Monte Carlo over the method's choices, streamed in batches (memory does not grow with draws).
struct UncertaintySpec {
    std::int64_t draws = 0;  ///< 0: no Monte Carlo
    std::uint64_t seed = 0;
    int threads = 0;         ///< 0: all cores; results are identical for any count
    int batch = 128;         ///< draws per batch
    WeightUncertainty weights = WeightUncertainty::Dirichlet;
    double concentration = 100.0;  ///< Dirichlet(concentration * w): sd of w_j is sqrt(w_j (1 - w_j) / (c + 1))
    double percent = 20.0;         ///< Percent: each weight times U(1 - p/100, 1 + p/100), then re-scaled
    std::vector<Normalisation> normalisations;  ///< each draw takes one of these for every indicator
    bool drop_one = false;                      ///< each draw leaves out none or one indicator, equally likely
    bool input_noise = true;                    ///< add N(0, se) where standard errors are given
    bool keep_draws = false;                    ///< keep every draw's ranks (tests of small tables only)
};

/// The whole method. Dict/TOML keys are documented in parse_scoring_spec.
struct ScoringSpec {
    std::vector<ScoringIndicator> indicators;
    std::vector<ScoringDomain> domains;  ///< domains named by indicators but not listed get weight 1
    Normalisation normalisation = Normalisation::ZScore;
    Aggregation aggregation = Aggregation::Arithmetic;         ///< domains into the index
    Aggregation domain_aggregation = Aggregation::Arithmetic;  ///< indicators into each domain
    Weighting weighting = Weighting::Explicit;                 ///< indicator weights within domains
    Weighting domain_weighting = Weighting::Explicit;
    int pca_components = 1;  ///< 0: Kaiser rule (eigenvalue > 1)
    ReferenceSet reference = ReferenceSet::All;
    MissingValues missing = MissingValues::Error;
    Winsorising winsorise = Winsorising::None;
    ClassSpec classes;
    std::int64_t top_n_in_area = 5;
    UncertaintySpec uncertainty;
};

/// The data: zones as rows, indicators as columns in ScoringSpec::indicators order.
struct ScoringInput {
    Eigen::MatrixXd values;                ///< NaN = missing
    std::vector<std::int64_t> area;        ///< per zone: partnership area index, -1 = none; empty: no areas
    std::vector<std::string> area_names;   ///< optional, by area index
    std::vector<std::string> zone_ids;     ///< optional, used in messages and reports
    Eigen::MatrixXd standard_errors;       ///< optional, zones x indicators, NaN = none; overrides the spec's value
};

struct WinsorReport {
    std::string indicator;
    double low = kUnset, high = kUnset;  ///< the bounds values were clipped to
    std::int64_t clipped_low = 0, clipped_high = 0;
};

struct ImputationReport {
    std::string indicator;
    std::string method;               ///< "mean", "median", "area mean", "dropped", "flagged"
    std::vector<std::int64_t> zones;  ///< zone indices concerned
    std::vector<double> values;       ///< imputed values (empty for dropped/flagged)
};

/// Principal components of one level (indicators within a domain, or domains into the index).
struct PcaReport {
    std::string level;                   ///< "index" or the domain's name
    std::vector<std::string> variables;
    Eigen::VectorXd eigenvalues;         ///< of the correlation matrix, descending
    Eigen::VectorXd explained;           ///< share of variance of each component
    Eigen::MatrixXd loadings;            ///< unit eigenvectors as columns
    int components = 0;                  ///< how many were used
    Eigen::VectorXd weights;             ///< sum_c (lambda_c / sum lambda) v_jc^2 over the components used
    std::int64_t rows = 0;               ///< complete zones used
};

/// Descriptive statistics of an indicator's values as given (after imputation, before winsorising).
struct IndicatorStats {
    std::string name;
    std::int64_t missing = 0;
    double mean = kUnset, sd = kUnset, min = kUnset, max = kUnset, skewness = kUnset, kurtosis = kUnset;
};

/// Monte Carlo rank summaries (0-based arrays by zone; NaN for zones not scored).
struct RankUncertainty {
    std::int64_t draws = 0;
    Eigen::VectorXd median_rank, p05_rank, p95_rank, mean_rank;
    Eigen::VectorXd p_top_decile;     ///< share of draws with the zone in the top decile (decile 1)
    Eigen::VectorXd p_top_n_in_area;  ///< share of draws with the zone among the first N of its area
    std::vector<std::string> factors;              ///< one-at-a-time factors, in plain words
    Eigen::MatrixXd factor_shift;                  ///< zones x factors: rank under the factor minus nominal rank
    std::vector<std::int64_t> most_influential;    ///< index into factors (-1: none moves it)
    std::vector<std::int64_t> most_influential_shift;
    Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic> kept_ranks;  ///< zones x draws when keep_draws
};

/// Everything about the scores and how they were made.
struct ScoringResult {
    std::vector<std::string> indicators, domains;
    std::vector<std::int64_t> indicator_domain;  ///< domain index of each indicator
    Eigen::VectorXd score;                       ///< NaN: the zone was dropped
    std::vector<std::int64_t> rank, decile, quintile;  ///< 0 for dropped zones
    std::vector<std::int64_t> rank_in_area, zones_in_area;  ///< 0 when no area
    std::vector<std::int64_t> national_rank, national_decile;  ///< reference set = all zones
    Eigen::VectorXd area_reference_score;                  ///< reference set = each area (when areas are given)
    std::vector<std::int64_t> area_reference_rank;         ///< its rank within the zone's area
    Eigen::MatrixXd normalised;     ///< zones x indicators, oriented (higher = more need)
    Eigen::MatrixXd domain_scores;  ///< zones x domains, after the domain transform
    Eigen::MatrixXd contributions;  ///< zones x indicators; each row sums to the score
    std::vector<std::int64_t> map_class;  ///< 1..k, k = highest scores; 0 for dropped zones
    std::vector<double> class_breaks;     ///< upper bounds of classes
    Eigen::VectorXd indicator_weights;    ///< within domains, summing to 1 in each
    Eigen::VectorXd domain_weights;       ///< summing to 1
    Eigen::VectorXd effective_weights;    ///< domain weight x indicator weight
    /// Explicit weights as the spec gives them (spec order; empty unless weighting is explicit).
    /// They are used as given: a weighted mean weighs each by its share of the sum (the weights above).
    Eigen::VectorXd indicator_weights_given;
    Eigen::VectorXd domain_weights_given;  ///< explicit domain weights as given (empty unless explicit, 2+ domains)
    std::vector<PcaReport> pca;
    Eigen::MatrixXd correlation;          ///< Pearson, normalised oriented indicators, complete zones
    std::vector<IndicatorStats> stats;
    std::vector<WinsorReport> winsorised;
    std::vector<ImputationReport> imputed;
    std::vector<std::int64_t> dropped_zones;
    std::vector<std::int64_t> missing_count;  ///< per zone: flagged indicators it was scored without
    std::vector<std::string> warnings;
    RankUncertainty uncertainty;
    std::string method_summary;  ///< plain words a report can quote
};

/// Score zones: missing values, winsorising, transforms, orientation, normalisation against the
/// reference set, weights (explicit, equal or PCA), hierarchical aggregation, contributions,
/// ranks among all the zones given and within areas, map classes, Monte Carlo rank intervals,
/// method summary. Throws InputError (data) or ConfigError (spec), naming indicator and zone;
/// throws Stopped within about 0.1 s of work once `control.stop` is requested, and reports the
/// Monte Carlo's progress ("uncertainty draws", fraction done) through `control.progress`.
/// `spec.uncertainty.threads` is the thread budget of every parallel loop.
ScoringResult score_zones(const ScoringInput& input, const ScoringSpec& spec, const Control& control = {});

/// The scoring's per-zone columns under the names of furthest/columns.hpp, in output order:
/// score, rank, decile, quintile, rank_in_area (with areas), score_class, score_within_area,
/// rank_all_zones and decile_all_zones (with areas), contribution_<indicator>; with draws
/// rank_p05, rank_median, rank_p95, p_top_decile, p_top_n_in_area (with areas),
/// most_influential; then zones_in_area (with areas), rank_mean and most_influential_shift
/// (with draws). Ranks, deciles and classes are blank (invalid) for zones not scored.
std::vector<Column> score_columns(const ScoringResult& result);

/// Parse the contents of a [scoring] TOML table (keys as in the Python docstring of furthest.score).
ScoringSpec parse_scoring_spec(const std::string& toml_text, const std::string& source_name = "[scoring]");

/// Parse the same keys given as JSON text (a JSON object; `null` means "not set"), with the
/// same checks and messages: how furthest.score() hands its spec dict over. Throws ConfigError.
ScoringSpec parse_scoring_spec_json(const std::string& json_text, const std::string& source_name = "<dict>");

/// The method as JSON text for a run manifest: summary, weights, PCA, correlation, reports.
std::string scoring_method_json(const ScoringResult& result);

/// Upper bounds of map classes of `values` (NaN ignored), as mapclassify computes them.
std::vector<double> class_breaks(std::span<const double> values, const ClassSpec& classes);

/// Class 1..k of each value for upper-bound `breaks` (first break >= value); 0 for NaN.
std::vector<std::int64_t> assign_classes(std::span<const double> values, const std::vector<double>& breaks);

/// Exact Fisher-Jenks natural breaks (least within-class sum of squares, Ckmeans dynamic programme
/// with divide and conquer, O(k n log n)): upper bounds of the k classes.
std::vector<double> fisher_jenks_breaks(std::span<const double> values, int k);

/// The IoD exponential transform of a need rank scaled to (0, 1] (1 = most need): 0..100.
double imd_exponential(double scaled_rank);

}  // namespace furthest
