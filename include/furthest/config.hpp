/// @brief The run configuration: which inputs, which columns, which methods, which outputs.
#pragma once

#include "furthest/crosswalk.hpp"
#include "furthest/scoring.hpp"
#include "furthest/zonal.hpp"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace furthest {


/// How a table's rows become points: coordinate columns in a CRS, or a postcode column looked
/// up in the run's [postcodes] directory. Empty when the rows are not placed this way.
struct SiteColumns {
    std::string x;    ///< with `y` and `crs`: coordinate columns
    std::string y;
    std::string crs;  ///< CRS of x/y, e.g. "EPSG:4326"
    std::string postcode;  ///< instead of x/y: a postcode column, placed through [postcodes]
    bool given() const { return !x.empty() || !postcode.empty(); }
};

/// The small areas that get scored (e.g. 2021 LSOAs).
struct ZonesSpec {
    std::filesystem::path path;
    std::string layer;  ///< empty: the file's only (or first) layer
    std::string id;     ///< unique zone id column, kept in the outputs as given
    std::string name;   ///< optional zone name column (e.g. "lsoa21_name"): zone_name in every table keyed by zone
    std::string encoding;  ///< `encoding = "cp1252"`: the text encoding of a CSV (or a shapefile's .dbf); empty: detected
};

/// Partnership areas (LCPs, wards, PCNs ...): drawn polygons, or defined by member sites
/// (a PCN or LCP is a group of GP practices) when `site` is given: then each row of the
/// table is a member site and the areas' polygons are the zones dissolved by area.
struct AreasSpec {
    std::filesystem::path path;
    std::string layer;
    std::string id;
    std::string name;  ///< optional; empty means use the id
    SiteColumns site;  ///< member sites: where each row is (empty for drawn polygons)
    MemberAssignment assign = MemberAssignment::Nearest;  ///< member sites: `assign = "nearest"` or `"shared"`
    int k = 3;                       ///< member sites, shared: how many nearest areas share a zone
    std::string where;               ///< optional OGR SQL filter on the areas or member sites
    std::string encoding;  ///< `encoding = "cp1252"`: the text encoding of a CSV (or a shapefile's .dbf); empty: detected
    bool from_members() const { return site.given(); }
};

/// Where an indicator table sits on another geography, and how its values reach the zones.
struct ViaSpec {
    enum class Kind { Lookup, Points, Raster };
    enum class SplitWeight { Equal, Area, Table };
    Kind kind = Kind::Lookup;
    bool extensive = false;  ///< counts are summed; otherwise values are (weighted) means
    // Lookup: a table mapping the indicator's codes (`from`) to zone ids (`to`).
    std::filesystem::path lookup;
    std::string layer;
    std::string encoding;  ///< of the lookup table, as IndicatorSpec::encoding
    std::string from;
    std::string to;
    std::string change;  ///< optional ONS change-code column (U, S, M, X)
    SplitWeight split_weight = SplitWeight::Equal;
    std::filesystem::path weight_path;  ///< SplitWeight::Table: zone-keyed weights (e.g. population)
    std::string weight_key;
    std::string weight_column;
    // Points: each row of the indicator table is a point (x, y in crs, or a postcode) with an
    // optional weight.
    SiteColumns site;
    std::string weight;  ///< points: weight column (premises, people); empty = one each
    // Raster: the indicator's path is a raster (GeoTIFF ...) summarised per zone.
    ZonalStatistic zonal = ZonalStatistic::Mean;  ///< the statistic `zonal = "..."` names (see parse_zonal_statistic)
    int band = 1;
    std::optional<double> threshold;     ///< frac_above: values >= threshold count (e.g. 4G signal present)
    std::filesystem::path raster_weights;  ///< weighted_mean: a raster on the same cells (e.g. population)
};

/// One indicator: a numeric column of a table keyed by zone id.
struct IndicatorSpec {
    std::filesystem::path path;
    std::string layer;
    std::string key;     ///< column holding the zone id
    std::string column;  ///< numeric column
    std::string name;    ///< output column name; defaults to `column`
    Direction direction = Direction::HigherIsMoreNeed;
    double weight = 1.0;
    /// Blank values: handed to the scoring as blanks, under this policy (error, drop, mean,
    /// median, area_mean or flag); unset, the [scoring] missing policy applies (error).
    std::optional<MissingValues> missing;
    std::optional<ViaSpec> via;  ///< when the table is not keyed by zone id
    std::string encoding;  ///< `encoding = "cp1252"`: the text encoding of a CSV (or a shapefile's .dbf); empty: detected
};

/// One table of places that already help people ([[partners]]; the single-table [partners] is
/// read as one entry): points from x/y or postcode columns, or a point layer, each row a
/// partner of a type with capacity.
struct PartnersSpec {
    std::string name;   ///< the table's label in outputs and messages; default: the file's stem
    std::filesystem::path path;
    std::string layer;
    SiteColumns site;   ///< empty: the file is a point layer
    std::string where;  ///< optional OGR SQL filter, e.g. "\"Year closed\" IS NULL"
    std::string id;     ///< optional id column: duplicates are reported; travel-cost destinations
    std::string type;   ///< every row's type ("library", "GP practice"), or
    std::string type_column;  ///< a column holding each row's type
    std::vector<std::string> capacity;  ///< numeric capacity columns (champions, sessions a week, devices)
    std::string active_from;  ///< optional date column (YYYY, YYYY-MM or YYYY-MM-DD; blank: always was)
    std::string active_to;    ///< optional date column; blank: still active
    std::string encoding;  ///< `encoding = "cp1252"`: the text encoding of a CSV (or a shapefile's .dbf); empty: detected
};

/// People ([population]): a count per zone joined like an indicator (by key or `via`), used as
/// demand for access, as weights for area roll-ups and for people-in-need counts; optional
/// population-weighted centroids are the zones' origins.
struct PopulationSpec {
    IndicatorSpec count;  ///< path, layer, key, column and optional via; name is "population"
    std::filesystem::path centroids;  ///< optional table of one point per zone
    std::string centroids_layer;
    std::string centroids_key;  ///< its zone id column
    SiteColumns centroids_site; ///< its x, y and crs
    std::string centroids_encoding;  ///< as `encoding`, for the centroids table
};

/// How far a partner reaches and how its pull fades with cost.
enum class DecayKind {
    Uniform,   ///< "uniform": every partner within the catchment counts fully (plain 2SFCA)
    Linear,    ///< "linear": 1 - cost / catchment
    Gaussian   ///< "gaussian": exp(-cost^2 / (2 bandwidth^2)) within the catchment (E2SFCA)
};

/// A user's travel costs ([access.travel_costs]): rows of (zone id, partner id, cost).
struct TravelCostsSpec {
    std::filesystem::path path;
    std::string layer;
    std::string origin;       ///< zone id column
    std::string destination;  ///< partner id column (the partners tables' `id` values)
    std::string cost;         ///< minutes, metres ... (as `catchment`)
    std::string encoding;  ///< `encoding = "cp1252"`: the text encoding of a CSV (or a shapefile's .dbf); empty: detected
};

/// Access to support ([access]): needs [[partners]]; demand is [population] when given.
struct AccessSpec {
    double catchment = 0.0;   ///< metres (straight line), or the travel-cost table's unit
    DecayKind decay = DecayKind::Uniform;
    double bandwidth = 0.0;   ///< gaussian: sigma; 0 means catchment / 2
    std::string capacity;     ///< the capacity column that is supply; empty: each partner counts one
    std::string as_of;        ///< YYYY-MM-DD: partners active that day (needed with active_from/to)
    std::optional<TravelCostsSpec> travel_costs;  ///< unset: straight-line distance in the working CRS
};

/// Spatial weights for hot spots.
enum class WeightsKind { Queen, Rook, Knn, DistanceBand };

/// Hot and cold spots ([hotspots]) of the need-support gap (or the need score): local Gi* and
/// local Moran's I with seeded permutation inference.
struct HotspotsSpec {
    std::string variable = "gap_score";  ///< "gap_score" (needs [access]) or "score"
    WeightsKind weights = WeightsKind::Queen;
    int k = 6;                 ///< knn
    double distance = 0.0;     ///< distance band, metres
    int permutations = 999;
    std::uint64_t seed = 20261128;
    double alpha = 0.05;
    bool false_discovery_rate = true;  ///< Benjamini-Hochberg over the zones; false: each zone at alpha
};

/// How partnership areas are ordered into waves ([rollout] area_rule).
enum class AreaRule {
    HighNeedLowSupport,  ///< "high_need_low_support": people in zones of high need and low support (needs [access])
    TopDecileShare,      ///< "top_decile_share": share of the area's zones in need decile 1
    RobustTopN           ///< "robust_top_n": zones in the area's first N in at least `robust_share` of the draws
};

/// Within an area, which zones come first ([rollout] zone_order).
enum class ZoneOrder {
    Gap,   ///< "gap": the need-support gap, highest first (needs [access])
    Need   ///< "need": the need score, highest first
};

/// What a wave's capacity counts ([rollout] zone_capacity_unit).
enum class CapacityUnit { Zones, People };

/// A budget shared by need net of support ([rollout.allocation]).
struct AllocationSpec {
    long long budget = 0;          ///< whole units (tablets, training places, pounds)
    std::string unit = "units";    ///< what a unit is, for the reasons
    enum class To { Zones, Areas, Partners } to = To::Areas;
    long long minimum = 0;         ///< per recipient with any gap
    long long cap = 0;             ///< per recipient; 0 = none
};

/// Where new Digital Health Hubs go ([rollout.hubs]): among the partners of some tables, around
/// the hubs that exist, wave by wave.
struct HubsSpec {
    std::vector<std::string> candidates;  ///< partners tables whose partners may host a new hub
    std::vector<std::string> existing;    ///< partners tables whose partners are hubs already (fixed)
    std::vector<std::int64_t> waves = {5};  ///< new hubs per wave
    bool covering = true;                 ///< "covering" (maximise need-weighted people within reach) or "median"
    double radius = 0.0;                  ///< reach of a hub; 0 = the [access] catchment
};

/// The furthest-first plan ([rollout]): areas into waves, zones into waves within each area, and
/// optionally a budget shared by the gap. Needs scores; the gap rules need [access].
struct RolloutSpec {
    AreaRule area_rule = AreaRule::HighNeedLowSupport;
    int areas_per_wave = 4;
    std::vector<std::string> done;  ///< area ids already rolled out (the pilot): wave 0
    ZoneOrder zone_order = ZoneOrder::Gap;
    CapacityUnit zone_capacity_unit = CapacityUnit::Zones;
    double zone_capacity = 10;      ///< zones (or people) one wave serves in an area
    double robust_share = 0.9;      ///< "robust" = in at least this share of the draws
    std::string older_column;       ///< optional [population] table column of people aged 65+, for equity
    std::string national_decile;    ///< optional [[indicators]] name holding national IMD deciles (1 = most deprived)
    std::optional<AllocationSpec> allocation;
    std::optional<HubsSpec> hubs;
};

/// How often reach is counted ([monitoring] period): calendar months, or three-month blocks
/// starting with the month of `from` (a programme year starting in April gives Apr-Jun first).
enum class MonitoringPeriod { Month, Quarter };

/// What the plan expected ([monitoring.targets]): each area wave lasts `wave_months` from the
/// start of the programme (wave 0, the pilot, and wave 1 start at `from`; wave k at
/// from + (k - 1) x wave_months); by the end of its wave an area should reach the rates below,
/// pro rata in between. NaN: no target for that measure.
struct MonitoringTargets {
    double wave_months = 6.0;
    double people_helped_per_1000 = std::numeric_limits<double>::quiet_NaN();  ///< per 1,000 residents
    double devices_lent_per_1000 = std::numeric_limits<double>::quiet_NaN();   ///< per 1,000 residents
    double champions_per_area = std::numeric_limits<double>::quiet_NaN();      ///< champions trained
    double on_track = 0.8;  ///< "behind plan" below this share of what was expected to date
};

/// Support the programme adds ([monitoring.feedback]), fed back into access and the gap: each
/// champion trained and each hub opened adds supply at its partner (in [access] capacity units),
/// each device lent adds supply in its resident's zone, not shared with others.
struct MonitoringFeedback {
    double champion_supply = 1.0;
    double hub_supply = 1.0;
    double device_supply = 1.0;
};

/// Programme monitoring ([monitoring]): an activity log (one row per event or per month) read,
/// placed, counted per zone, area and period against need and the plan, and published under
/// disclosure control. Needs [population] (reach per 1,000 residents) and [[partners]].
struct MonitoringSpec {
    std::filesystem::path path;
    std::string layer;
    std::string encoding;
    std::string partner;   ///< column: the partner's id (a [[partners]] id value)
    std::string date;      ///< column: YYYY-MM-DD (or YYYY-MM, DD/MM/YYYY)
    std::string kind;      ///< column: "Person helped", "Device lent", "Champion trained", "Session", "Hub opened"
    std::string count;     ///< optional column: whole numbers >= 0; absent: 1 per row
    std::string postcode;  ///< optional column: the resident's postcode (needs [postcodes]); never written out
    std::string zone;      ///< optional column: the resident's zone code
    /// Optional column of the [population] table counting the people the programme serves first
    /// (e.g. people aged 65+): reach is also given per 1,000 of them.
    std::string in_need;
    std::string from;      ///< first day of the programme period (a date as above)
    std::string to;        ///< last day
    MonitoringPeriod period = MonitoringPeriod::Month;
    double threshold = 5.0;      ///< disclosure: counts 0 < c < threshold are suppressed
    bool suppress_zeros = false;
    /// Measures under disclosure control (people_helped, devices_lent, champions_trained,
    /// sessions, hubs_opened); default the two counts of residents.
    std::vector<std::string> suppress = {"people_helped", "devices_lent"};
    int draws = 999;             ///< bootstrap draws for the concentration index
    std::uint64_t seed = 0;
    double level = 0.9;
    std::optional<MonitoringTargets> targets;
    MonitoringFeedback feedback;
};

/// A row whose postcode is blank, malformed, unknown or without coordinates (`unmatched = ...`).
enum class UnmatchedPostcodes {
    Error,  ///< "error": the run stops, naming the row
    Warn    ///< "warn": the row is left out and listed in the warnings
};

/// A postcode directory ([postcodes]): where each postcode is, for partners, member sites and
/// points given by postcode instead of coordinates (e.g. the ONS National Statistics Postcode
/// Lookup, or an extract of it).
struct PostcodesSpec {
    std::filesystem::path path;
    std::string layer;
    std::string postcode;  ///< the postcode column (any of the pcd, pcd2, pcds widths)
    std::string x;         ///< coordinate columns and their CRS
    std::string y;
    std::string crs;
    UnmatchedPostcodes unmatched = UnmatchedPostcodes::Error;
    std::string encoding;  ///< `encoding = "cp1252"`: the text encoding of a CSV (or a shapefile's .dbf); empty: detected
};

/// The map layers, and optionally the same tables for spreadsheets (text cells protected
/// against formula injection; see io::spreadsheet_text).
struct OutputSpec {
    std::filesystem::path path;  ///< the GeoPackage; the manifest goes beside it as <stem>.manifest.json
    bool csv = false;   ///< also <stem>.<table>.csv for zones, areas, partners and zone_areas (no geometry)
    bool xlsx = false;  ///< also <stem>.xlsx, one sheet per table (no geometry)

    /// Where the spreadsheet copy of `table` goes: <stem>.<table>.csv beside the GeoPackage.
    std::filesystem::path csv_path(const std::string& table) const {
        return path.parent_path() / (path.stem().string() + "." + table + ".csv");
    }
    std::filesystem::path xlsx_path() const { return path.parent_path() / (path.stem().string() + ".xlsx"); }
    std::filesystem::path manifest_path() const { return path.parent_path() / (path.stem().string() + ".manifest.json"); }
};

/// What a report or map made from the run says about it ([report]): its title and the lines the
/// inputs' licences require (e.g. "Contains OS data © Crown copyright and database right 2024").
/// The manifest carries both as "report": {"title", "attribution"}.
struct ReportSpec {
    std::string title;  ///< default: the config file's stem, or "furthest run" for a config given as text or a dict
    std::vector<std::string> attribution;  ///< one line each, in order
};

/// A whole run. Paths are absolute once loaded (relative ones resolve against the config's folder).
struct RunConfig {
    ZonesSpec zones;
    AreasSpec areas;
    std::vector<IndicatorSpec> indicators;
    std::vector<PartnersSpec> partners;       ///< [[partners]], in order
    std::optional<PopulationSpec> population;
    std::optional<AccessSpec> access;
    std::optional<HotspotsSpec> hotspots;
    std::optional<RolloutSpec> rollout;
    std::optional<MonitoringSpec> monitoring;
    std::optional<PostcodesSpec> postcodes;
    /// How the indicators become a need index ([scoring]); built from [[indicators]] (z-scores,
    /// their directions and weights, weighted arithmetic mean) when the config has none.
    ScoringSpec scoring;
    OutputSpec output;
    ReportSpec report;
    std::string working_crs = "EPSG:27700";  ///< projected CRS in which areas and distances are measured
    int threads = 0;                         ///< 0: all hardware threads
    bool allow_network = false;              ///< GDAL /vsicurl/ and friends stay off unless asked
    /// When not empty, every input and output must lie inside one of these folders (a shared
    /// batch service confines each run to its own data).
    std::vector<std::filesystem::path> allowed_folders;
    std::filesystem::path config_path;       ///< where it was read from (empty for an in-memory config)
    std::string config_json;                 ///< the config as given, as JSON, for the manifest
    std::string source_name;                 ///< how messages name the config ("'run.toml'", "<dict>"; empty: in-memory)
};

/// Read and check a TOML run configuration. Throws ConfigError naming the key that is wrong.
RunConfig load_config(const std::filesystem::path& path);

/// Parse TOML text; relative paths resolve against `base_dir`.
RunConfig parse_config(const std::string& toml_text, const std::filesystem::path& base_dir,
                       const std::string& source_name = "<config>");

/// Parse a config given as JSON text of the same shape as the TOML (a JSON object of sections;
/// `null` means "not set"), with the same checks and messages; relative paths resolve against
/// `base_dir`. This is how dict configs arrive from Python. Throws ConfigError.
RunConfig parse_config_json(const std::string& json_text, const std::filesystem::path& base_dir,
                            const std::string& source_name = "<dict>");

/// Where `${FURTHEST_DATA}` points: the environment variable, else a `shared/data` folder
/// found beside one of `start`'s ancestors. Empty when neither exists.
std::filesystem::path default_data_dir(const std::filesystem::path& start);

}  // namespace furthest
