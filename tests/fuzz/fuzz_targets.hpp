// The bodies of the fuzz harnesses, shared by the libFuzzer entry points (tests/fuzz/fuzz_<name>.cpp)
// and by the plain GoogleTest replay of the corpora (tests/cpp/test_fuzz_regressions.cpp), so a
// crash found by the fuzzer is replayed through exactly the same code in every build.
//
// The contract each target checks: arbitrary bytes give either a result or a furthest::Error.
// Anything else (another exception, a sanitizer report, a crash) is a finding. A few cheap
// invariants of a successful result are checked too; a broken one throws FuzzInvariantBroken,
// which is not a furthest::Error and so counts as a finding as well.
#pragma once

#include "furthest/config.hpp"
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "furthest/postcodes.hpp"
#include "furthest/run.hpp"
#include "geography/geos_context.hpp"
#include "geography/repair.hpp"
#include "io/gdal_session.hpp"
#include "io/number_parsing.hpp"
#include "io/readers.hpp"
#include "io/text_encoding.hpp"

#include <cpl_error.h>
#include <cpl_vsi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace furthest::fuzz {

/// A harness-side check of a successful result failed: a bug even though nothing crashed.
class FuzzInvariantBroken : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

/// What the engine did with one input.
enum class Outcome { Accepted, Refused };

inline void require(bool fact, const std::string& what) {
    if (!fact) throw FuzzInvariantBroken(what);
}

/// Run `body`; a furthest::Error it throws must name `where` (the file, or the feature), as
/// every message furthest gives is meant to. Errors that do are passed on unchanged.
template <typename Body>
void refusals_name(const std::string& where, Body&& body) {
    try {
        body();
    } catch (const Error& error) {
        require(std::string_view(error.what()).find(where) != std::string_view::npos,
                "a refusal does not name '" + where + "': " + error.what());
        throw;
    }
}

/// The bytes as a file in GDAL's in-memory file system for the duration of one call.
/// /vsimem/ keeps the fuzzer off the disk; the path's extension picks the GDAL driver.
class MemoryFile {
public:
    MemoryFile(std::string path, const std::uint8_t* data, std::size_t size)
        : path_(std::move(path)), bytes_(reinterpret_cast<const char*>(data), size) {
        VSILFILE* file = VSIFileFromMemBuffer(path_.c_str(), reinterpret_cast<GByte*>(bytes_.data()),
                                              static_cast<vsi_l_offset>(bytes_.size()), FALSE);
        if (file == nullptr) throw std::runtime_error("cannot create " + path_);
        VSIFCloseL(file);
    }
    ~MemoryFile() { VSIUnlink(path_.c_str()); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::string bytes_;  // owned here, so GDAL never frees memory it did not allocate
};

// ---- (a) the config parser --------------------------------------------------------------

/// TOML text of any shape through parse_config (keys, types, paths) and check_config (the run's invariants).
inline void config_target(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    RunConfig config;
    // The parser, then the checks at the door that every run makes (outputs spare inputs ...).
    refusals_name("<fuzz>", [&] {
        config = parse_config(text, "/fuzz-config-base", "<fuzz>");
        check_config(config);
    });
    require(!config.indicators.empty(), "accepted config has no indicator");
    require(config.output.path.extension() == ".gpkg", "accepted config's output is not a .gpkg");
    require(config.threads >= 0 && config.threads <= 1024, "accepted config has threads out of range");
    for (const auto& indicator : config.indicators)
        require(std::isfinite(indicator.weight) && indicator.weight >= 0.0, "accepted weight is not finite and >= 0");
}

// ---- (b) numbers and tables ---------------------------------------------------------------

/// One cell through parse_number, numeric_value/key_text as a text column, and normalise_postcode.
inline void number_target(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    double value = 0.0;
    const io::ParsedNumber parsed = io::parse_number(text, value);
    if (parsed == io::ParsedNumber::Value) require(std::isfinite(value), "parse_number gave a non-finite value");
    const Column column = Column::texts("value", {text});
    (void)io::key_text(column, 0);
    const double cell = io::numeric_value(column, 0, "fuzz table", "/vsimem/fuzz.csv");
    switch (parsed) {
        case io::ParsedNumber::Value: require(cell == value, "numeric_value disagrees with parse_number"); break;
        case io::ParsedNumber::Blank: require(std::isnan(cell), "a blank cell did not read as NaN"); break;
        case io::ParsedNumber::NotANumber: throw FuzzInvariantBroken("numeric_value accepted text that parse_number refused");
    }
    // The same cell as a postcode: the standard form is a fixed point, "OUT IN" with one space.
    const std::string postcode = normalise_postcode(text);
    if (!postcode.empty()) {
        require(normalise_postcode(postcode) == postcode, "normalise_postcode is not idempotent");
        require(postcode.size() >= 6 && postcode.size() <= 8, "a standard postcode of the wrong length");
        require(postcode.find(' ') == postcode.size() - 4 && postcode.find(' ', postcode.size() - 3) == std::string::npos,
                "a standard postcode without its one space before the inward code");
    }
}

/// CSV bytes through read_table, then every column through numeric_values and key_text.
inline void table_target(const std::uint8_t* data, std::size_t size) {
    const MemoryFile file("/vsimem/furthest_fuzz_table.csv", data, size);
    Layer table;
    refusals_name(file.path(), [&] { table = io::read_table("fuzz table", file.path(), "", false); });
    require(table.rows() > 0, "read_table accepted a table with no rows");
    for (const Column& column : table.columns) {
        require(column.size() == table.rows(), "column '" + column.name + "' has a different length");
        for (std::size_t row = 0; row < column.size(); ++row) (void)io::key_text(column, row);
        try {
            // Text columns that are not numbers are refused with InputError; try every column.
            refusals_name(file.path(), [&] {
                for (double v : io::numeric_values(column, "fuzz table", file.path()))
                    require(!std::isinf(v), "numeric_values passed an infinite value");
            });
        } catch (const InputError&) {}
    }
}

// ---- CSV text in any encoding -------------------------------------------------------------

/// Arbitrary bytes as a CSV file: every recoder gives valid UTF-8, and the table read (detected
/// encoding, recoded) holds valid UTF-8 in its name, headers and every text cell.
inline void encoding_target(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    (void)io::detect_encoding(bytes);
    for (auto encoding : {io::TextEncoding::Utf8, io::TextEncoding::Utf16LE, io::TextEncoding::Utf16BE,
                          io::TextEncoding::Windows1252, io::TextEncoding::Latin1})
        require(io::is_utf8(io::to_utf8(bytes, encoding).text),
                "to_utf8 from " + std::string(io::encoding_name(encoding)) + " gave malformed UTF-8");
    require(io::is_utf8(io::valid_utf8(bytes)), "valid_utf8 gave malformed UTF-8");
    const MemoryFile file("/vsimem/furthest_fuzz_encoding.csv", data, size);
    Layer table;
    refusals_name(file.path(), [&] { table = io::read_table("fuzz encoding", file.path(), "", false); });
    require(io::is_utf8(table.name), "a layer name is not UTF-8");
    for (const Column& column : table.columns) {
        require(io::is_utf8(column.name), "a header is not UTF-8");
        if (const auto* texts = std::get_if<Column::Texts>(&column.values))
            for (const auto& cell : *texts) require(io::is_utf8(cell), "a cell of '" + column.name + "' is not UTF-8");
    }
}

// ---- (c) geometry -------------------------------------------------------------------------

/// An axis-aligned rectangle as ISO WKB (little-endian), built by hand so the harness needs no parser.
inline std::string rectangle_wkb(double x0, double y0, double x1, double y1) {
    std::string out;
    auto put_u32 = [&out](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    };
    auto put_f64 = [&out](double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    };
    out.push_back('\x01');
    put_u32(3);  // Polygon
    put_u32(1);  // one ring
    put_u32(5);
    const double ring[5][2] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
    for (const auto& point : ring) {
        put_f64(point[0]);
        put_f64(point[1]);
    }
    return out;
}

/// The fixed 10 x 10 square every fuzzed WKB polygon is overlaid with.
inline const std::string& unit_square_wkb() {
    static const std::string wkb = rectangle_wkb(0.0, 0.0, 10.0, 10.0);
    return wkb;
}

/// True when the geometry lies within +-1e8, the bound read_vector puts on every input;
/// beyond it, area ratios are floating-point noise and only "no crash" is checked.
inline bool plausible_extent(const std::string& wkb) {
    geography::GeosContext ctx;
    auto geometry = ctx.from_wkb(wkb);
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    const auto h = ctx.handle();
    if (GEOSGeom_getXMin_r(h, geometry.get(), &x0) == 0 || GEOSGeom_getXMax_r(h, geometry.get(), &x1) == 0 ||
        GEOSGeom_getYMin_r(h, geometry.get(), &y0) == 0 || GEOSGeom_getYMax_r(h, geometry.get(), &y1) == 0)
        return false;
    constexpr double limit = 1e8;
    return std::abs(x0) < limit && std::abs(x1) < limit && std::abs(y0) < limit && std::abs(y1) < limit;
}

inline void check_shares(const Crosswalk& crosswalk, bool bounded, const char* what) {
    const auto& w = crosswalk.weights();
    for (Eigen::Index s = 0; s < w.outerSize(); ++s)
        for (Crosswalk::Matrix::InnerIterator it(w, s); it; ++it) {
            require(std::isfinite(it.value()) && it.value() > 0.0, std::string(what) + ": share not finite and > 0");
            if (bounded) require(it.value() <= 1.0 + 1e-6, std::string(what) + ": share above one");
        }
    const Eigen::VectorXd uncovered = crosswalk.uncovered();
    for (Eigen::Index s = 0; s < uncovered.size(); ++s)
        require(uncovered(s) >= 0.0 && uncovered(s) <= 1.0, std::string(what) + ": uncovered share outside [0, 1]");
}

/// One WKB polygon, as the public crosswalk API would receive it and as the pipeline does:
/// overlay as given (either direction), then repair, then overlay the repaired polygon.
inline void wkb_target(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> polygon{std::string(reinterpret_cast<const char*>(data), size)};
    const std::vector<std::string> square{unit_square_wkb()};
    try {
        // Unrepaired input may be refused (GeometryError); it must never crash.
        check_shares(overlay_crosswalk(polygon, square, 1), false, "overlay of the raw polygon");
        // A polygon the overlay accepts has an area; NaN would make it silently "uncovered".
        geography::GeosContext ctx;
        require(std::isfinite(ctx.area(ctx.from_wkb(polygon[0]).get())), "overlay accepted a polygon whose area is not finite");
        check_shares(overlay_crosswalk(square, polygon, 1), false, "overlay onto the raw polygon");
        (void)locate_points(square, polygon, 1);
    } catch (const GeometryError&) {}
    refusals_name("fuzz zones feature 1 (fuzz)", [&] { geography::repair_polygons(polygon, "fuzz zones", {"fuzz"}, 1); });
    const bool bounded = plausible_extent(polygon[0]);
    check_shares(overlay_crosswalk(polygon, square, 1), bounded, "overlay of the repaired polygon");
    check_shares(overlay_crosswalk(square, polygon, 1), bounded, "overlay onto the repaired polygon");
}

/// The working CRS of the fuzzed runs (British National Grid, as in every example).
inline const OGRSpatialReference& fuzz_working_crs() {
    static const OGRSpatialReference crs = io::spatial_reference("EPSG:27700", "fuzz working CRS");
    return crs;
}

/// GeoJSON bytes through read_vector as zones (then repaired and overlaid, as a run does)
/// and as partner points.
inline void geojson_target(const std::uint8_t* data, std::size_t size) {
    const MemoryFile file("/vsimem/furthest_fuzz_layer.geojson", data, size);
    bool refused = false;
    try {
        io::VectorRequest request;
        request.role = "fuzz partners";
        request.path = file.path();
        request.family = io::GeometryFamily::Point;
        Layer points;
        refusals_name(file.path(), [&] { points = io::read_vector(request, fuzz_working_crs()); });
        require(points.rows() == points.wkb.size() && points.rows() > 0, "point layer rows and geometries disagree");
    } catch (const Error&) {
        refused = true;
    }
    io::VectorRequest request;
    request.role = "fuzz zones";
    request.path = file.path();
    request.family = io::GeometryFamily::Polygonal;
    Layer zones;
    try {
        refusals_name(file.path(), [&] { zones = io::read_vector(request, fuzz_working_crs()); });
    } catch (const Error&) {
        if (refused) throw;  // refused both ways: report the polygon reading's error
        return;              // a valid point layer
    }
    for (const Column& column : zones.columns)
        require(column.size() == zones.wkb.size(), "column '" + column.name + "' has a different length");
    std::vector<std::string> labels(zones.wkb.size());
    // The pipeline's role for zones is "zones: '<path>'", so repair messages name the file.
    const std::string zones_at = "zones: '" + file.path() + "'";
    refusals_name(zones_at, [&] { geography::repair_polygons(zones.wkb, zones_at, labels, 1); });
    // A 10 km square of British National Grid around Furthton/Leeds, where the seeds lie.
    const std::vector<std::string> areas{rectangle_wkb(425000.0, 428000.0, 435000.0, 438000.0)};
    check_shares(overlay_crosswalk(zones.wkb, areas, 1), true, "overlay of the read zones");
}

// ---- the contract -------------------------------------------------------------------------

using Target = void (*)(const std::uint8_t*, std::size_t);

/// Catches GDAL messages that no furthest error collector took: without this handler they go
/// to stderr, so the command line would print them beside its one error line, and the
/// engine's own message would miss the reason.
class StrayGdalMessages {
public:
    StrayGdalMessages() { CPLPushErrorHandlerEx(&StrayGdalMessages::handle, this); }
    ~StrayGdalMessages() { CPLPopErrorHandler(); }
    StrayGdalMessages(const StrayGdalMessages&) = delete;
    StrayGdalMessages& operator=(const StrayGdalMessages&) = delete;
    const std::string& first() const { return first_; }

private:
    static void CPL_STDCALL handle(CPLErr level, CPLErrorNum, const char* message) {
        auto* self = static_cast<StrayGdalMessages*>(CPLGetErrorHandlerUserData());
        if (self != nullptr && level >= CE_Warning && self->first_.empty())
            self->first_ = message != nullptr && *message != '\0' ? message : "(empty message)";
    }
    std::string first_;
};

/// Run one input: Accepted or Refused (a furthest::Error); anything else propagates.
inline Outcome run_one(Target target, const std::uint8_t* data, std::size_t size) {
    Outcome outcome = Outcome::Accepted;
    StrayGdalMessages stray;
    try {
        target(data, size);
    } catch (const Error&) {
        outcome = Outcome::Refused;
    }
    require(stray.first().empty(), "GDAL printed a message outside any furthest error collector: " + stray.first());
    return outcome;
}

}  // namespace furthest::fuzz
