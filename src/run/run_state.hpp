// The run's state: what each stage reads and adds, the output catalogue the stages fill, and
// the reports (warnings as records, manifest facts) they leave.
#pragma once

#include "furthest/access.hpp"
#include "furthest/config.hpp"
#include "furthest/rollout.hpp"
#include "furthest/run.hpp"
#include "furthest/scoring.hpp"
#include "plan/rollup.hpp"
#include "run/inputs.hpp"
#include "run/manifest.hpp"

#include <Eigen/Core>
#include <ogr_spatialref.h>

#include <functional>
#include <list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace furthest::run_detail {

/// Warnings as records: the stage is filled in by the pipeline, the code and ids by whoever
/// noticed. Messages are the sentences the CLI prints.
class Reports {
public:
    void begin_stage(std::string stage) { stage_ = std::move(stage); }
    void warn(std::string code, std::string message, std::vector<std::string> ids = {}) {
        warnings_.push_back({stage_, std::move(code), std::move(message), std::move(ids)});
    }
    const std::vector<RunWarning>& warnings() const { return warnings_; }

private:
    std::string stage_;
    std::vector<RunWarning> warnings_;
};

/// The tables the stages make, in the order they are added. References stay valid as tables
/// are added (a stage may keep a handle to its table and another stage add columns to it).
class OutputCatalogue {
public:
    /// A new, empty table; ConfigError if the name is taken.
    Layer& add(const TableInfo& info);
    /// Append a column, refusing a name the table already has (an input named like an output).
    static void add_column(Layer& table, Column column);
    const std::list<std::pair<TableInfo, Layer>>& tables() const { return tables_; }
    std::list<std::pair<TableInfo, Layer>>& tables() { return tables_; }

private:
    std::list<std::pair<TableInfo, Layer>> tables_;
};

/// Partner sites of every [[partners]] table, located in the zones and areas.
struct PartnerSet {
    Layer* table = nullptr;             ///< the partners output table (inputs, geometry, zone_id, area_id)
    std::vector<Eigen::Index> zone;     ///< per partner: zone index, -1 = none
    std::vector<Eigen::Index> area;     ///< per partner: area index, -1 = none
    std::vector<double> x, y;           ///< per partner, working CRS
    std::vector<std::string> type;      ///< per partner ("" when its table gives none)
    std::vector<std::string> id;        ///< per partner ("" when its table has no id column)
    std::vector<std::string> capacity_names;
    Eigen::MatrixXd capacity;           ///< partners x capacity_names; NaN blank or not listed
};

/// The need-support gap (src/run/stages/access.cpp): per zone, need percentile minus support
/// percentile among the run's zones; its class by terciles of each ("high need, low support");
/// and whether the zone is in high need (top third) and low support (bottom third).
struct NeedSupportGap {
    Eigen::VectorXd score;
    Column::Texts classes;
    std::vector<bool> valid;  ///< per zone: a class (need and support both known)
    std::vector<bool> high_need_low_support;
};
NeedSupportGap need_support_gap(const Eigen::VectorXd& need_score, const Eigen::VectorXd& support);

/// People per zone ([population]) and where they are.
struct PeopleSet {
    Eigen::VectorXd count;              ///< per zone
};

/// Where each zone's trips start: population-weighted centroids, or a point inside the zone.
struct ZoneOrigins {
    std::vector<double> x, y;
    std::string method;                 ///< plain words for the manifest
};

/// Access to partners per zone and the need-support gap.
struct AccessSet {
    Eigen::VectorXd support;            ///< the measure the gap uses (higher = better served)
    std::string support_column;         ///< its zones column
    Eigen::VectorXd zone_supply;        ///< BFCA supply allocated per zone (empty without population)
    Eigen::VectorXd gap_score;          ///< need percentile - support percentile, in (-1, 1)
    std::vector<bool> high_need_low_support;
    Eigen::VectorXd partner_gap_people;  ///< per partner: gap-weighted people it reaches, shared (with population)
    // What the support was measured with, for monitoring to measure it again with the support
    // the programme added.
    InteractionMatrix matrix;           ///< zones x partners within the catchment
    Eigen::VectorXd supply;             ///< per partner
    Decay decay;
};

/// The support measure as the access stage defines it, for another supply per partner: BFCA
/// access per 1,000 people with [population] (`people`), else gravity access.
Eigen::VectorXd support_with(const AccessSet& access, const Eigen::VectorXd* people, const Eigen::VectorXd& supply);

/// The rollout's plan, kept for monitoring: planned against actual, and the next waves re-planned
/// on the support that exists now.
struct RolloutSet {
    WavePlan plan;
    std::vector<Eigen::Index> main_area;  ///< per zone: the area its plan places it in (-1: none)
    std::vector<double> area_value;       ///< per area: the rule's value the plan ranked by
    /// The same rule on `support` (per zone, as AccessSet::support), with the areas `started`
    /// fixed in wave 0 beside the pilot; fills `area_value` with the rule's new values. Set only
    /// when the config has [monitoring], the one stage that asks.
    std::function<WavePlan(const Eigen::VectorXd& support, const std::vector<bool>& started, std::vector<double>& area_value)>
        replan;
};

/// Everything a run knows. Stages read the members of earlier stages and add their own; the
/// members are in stage order.
struct RunState {
    RunState(const RunConfig& config_, const RunOptions& options_)
        : config(config_), options(options_), control(options_.control), tables(config_.allow_network, facts, control) {
        facts.config = &config_;
    }
    RunState(const RunState&) = delete;
    RunState& operator=(const RunState&) = delete;

    const RunConfig& config;
    const RunOptions& options;
    const Control& control;
    ManifestFacts facts;
    Reports reports;
    TableCache tables;
    OutputCatalogue outputs;

    OGRSpatialReference working_crs;        ///< read zones
    std::optional<ZoneSet> zones;           ///< read zones: ids and the zones table (geometry in the working CRS)
    std::optional<AreaSet> areas;           ///< build areas: areas, zone -> area crosswalk, the areas table
    std::optional<Eigen::MatrixXd> indicators;  ///< join indicators: zones x [[indicators]], NaN = blank
    std::optional<ScoringResult> scores;    ///< score
    std::optional<PeopleSet> people;        ///< join population (when the config has [population])
    std::optional<PartnerSet> partners;     ///< locate partners (when the config names them)
    std::optional<ZoneOrigins> origins;     ///< access
    std::optional<AccessSet> access;        ///< access (when the config has [access])
    std::optional<plan::AreaRollup> rollup; ///< roll up
    std::optional<RolloutSet> rollout;      ///< rollout (when the config has [rollout])
};

/// A member an earlier stage should have added; std::logic_error naming it otherwise (a stage
/// listed out of order is a programming error, not a user's).
template <class T>
T& need(std::optional<T>& member, const char* name) {
    if (!member) throw std::logic_error(std::string("run stage order: '") + name + "' is used before the stage that makes it");
    return *member;
}

/// One step of the run. `applies` says whether a config runs it; `tables` names the output
/// tables it makes and `zone_columns` the fixed-name columns it adds to the zones table (both
/// known before anything is read, for the checks at the door); `run` does the work.
struct Stage {
    const char* name;
    bool (*applies)(const RunConfig& config, const RunOptions& options);
    std::vector<TableInfo> (*tables)(const RunConfig& config);
    std::vector<std::string> (*zone_columns)(const RunConfig& config);
    void (*run)(RunState& state);
};

/// The zones' origins, made on first use (src/run/origins.cpp): [population.centroids] when
/// given, else a point inside each zone.
const ZoneOrigins& zone_origins(RunState& state);

/// Every stage, in order (src/run/pipeline.cpp).
const std::vector<Stage>& pipeline();

// Small helpers for stages that do not need one of the hooks.
inline bool always(const RunConfig&, const RunOptions&) { return true; }
inline std::vector<TableInfo> no_tables(const RunConfig&) { return {}; }
inline std::vector<std::string> no_columns(const RunConfig&) { return {}; }

}  // namespace furthest::run_detail
