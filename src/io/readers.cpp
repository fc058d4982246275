#include "io/readers.hpp"

#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/confinement.hpp"
#include "io/gdal_session.hpp"
#include "io/number_parsing.hpp"
#include "io/text_encoding.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

namespace furthest::io {
namespace {

std::string where(const std::string& role, const std::filesystem::path& path) { return role + ": '" + path.string() + "'"; }

// Attribute columns typed after the OGR field definitions.
struct ColumnBuilder {
    std::string name;
    OGRFieldType type;
    Column::Reals reals;
    Column::Integers integers;
    Column::Texts texts;
    std::vector<bool> valid;

    void append(const OGRFeature& feature, int field) {
        const bool present = feature.IsFieldSetAndNotNull(field);
        valid.push_back(present);
        switch (type) {
            case OFTInteger:
            case OFTInteger64: integers.push_back(present ? feature.GetFieldAsInteger64(field) : 0); break;
            case OFTReal: reals.push_back(present ? feature.GetFieldAsDouble(field) : std::nan("")); break;
            // GDAL passes some formats' bytes through as they are (GeoJSON, a DBF without its
            // code page): outputs and Python get valid UTF-8 whatever the file held.
            default: texts.emplace_back(present ? valid_utf8(feature.GetFieldAsString(field)) : ""); break;
        }
    }

    Column finish() && {
        switch (type) {
            case OFTInteger:
            case OFTInteger64: return Column::integers(std::move(name), std::move(integers), std::move(valid));
            case OFTReal: return Column::reals(std::move(name), std::move(reals));
            default: return Column::texts(std::move(name), std::move(texts), std::move(valid));
        }
    }
};

// One builder per column. GDAL keeps a repeated header as two fields of one name, and a lookup
// by name finds only the first: a repeated name is refused rather than read as the wrong column.
std::vector<ColumnBuilder> builders_for(OGRLayer& layer, const std::string& at) {
    std::vector<ColumnBuilder> builders;
    OGRFeatureDefn* definition = layer.GetLayerDefn();
    for (int i = 0; i < definition->GetFieldCount(); ++i) {
        const OGRFieldDefn* field = definition->GetFieldDefn(i);
        for (int j = 0; j < i; ++j)
            if (builders[static_cast<std::size_t>(j)].name == field->GetNameRef())
                throw InputError(at + ": column name '" + std::string(field->GetNameRef()).substr(0, 200) +
                                 "' appears twice (columns " + std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                                 "); expected each column name once, rename one of them");
        builders.push_back({valid_utf8(field->GetNameRef()), field->GetType(), {}, {}, {}, {}});
    }
    return builders;
}

bool is_polygonal(OGRwkbGeometryType type) {
    const auto flat = wkbFlatten(type);
    return flat == wkbPolygon || flat == wkbMultiPolygon || flat == wkbCurvePolygon || flat == wkbMultiSurface ||
           flat == wkbTriangle || flat == wkbPolyhedralSurface || flat == wkbTIN;
}

std::string to_wkb(const OGRGeometry& geometry) {
    std::string wkb(static_cast<std::size_t>(geometry.WkbSize()), '\0');
    geometry.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(wkb.data()), wkbVariantIso);
    return wkb;
}

// Coordinates beyond this are not on Earth in any projected CRS we accept (metres or degrees).
constexpr double kMaxCoordinate = 1e8;

bool finite_extent(const OGRGeometry& geometry) {
    OGREnvelope e;
    geometry.getEnvelope(&e);
    return std::isfinite(e.MinX) && std::isfinite(e.MaxX) && std::isfinite(e.MinY) && std::isfinite(e.MaxY) &&
           std::abs(e.MinX) < kMaxCoordinate && std::abs(e.MaxX) < kMaxCoordinate && std::abs(e.MinY) < kMaxCoordinate &&
           std::abs(e.MaxY) < kMaxCoordinate;
}

// Keep only the rows an OGR SQL expression selects; the file stays as it is.
void apply_filter(OGRLayer& layer, const std::string& where, const std::string& at) {
    if (where.empty()) return;
    ScopedErrorCollector errors;
    if (layer.SetAttributeFilter(where.c_str()) != OGRERR_NONE)
        throw InputError(at + ": 'where' filter \"" + where + "\" is not a valid OGR SQL expression" +
                         (errors.last_error().empty() ? "" : " (" + errors.last_error() + ")") +
                         "; expected e.g. \"\\\"Year closed\\\" IS NULL\"");
}

// Stop and progress while features are read: the token is polled every kPollEvery features
// (cheap next to reading one), progress reported about every 0.1 s as the share of features read
// when the driver can count them without a scan.
class ReadingProgress {
public:
    ReadingProgress(const Control* control, OGRLayer& layer, const std::string& role)
        : control_(control), step_("reading " + role) {
        if (!control_) return;
        if (layer.TestCapability(OLCFastFeatureCount)) total_ = layer.GetFeatureCount(FALSE);
        control_->check(step_);
        control_->report(step_, total_ > 0 ? 0.0 : std::nan(""));
        last_report_ = std::chrono::steady_clock::now();
    }
    void feature_read() {
        if (control_ && ++read_ % kPollEvery == 0) poll();
    }
    void finish() const {
        if (control_) control_->report(step_, 1.0);
    }

private:
    static constexpr std::size_t kPollEvery = 256;

    void poll() {
        control_->check(step_);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_report_ < std::chrono::milliseconds(100)) return;
        last_report_ = now;
        control_->report(step_,
                         total_ > 0 ? std::min(1.0, static_cast<double>(read_) / static_cast<double>(total_)) : std::nan(""));
    }

    const Control* control_;
    std::string step_;
    GIntBig total_ = -1;
    std::size_t read_ = 0;
    std::chrono::steady_clock::time_point last_report_;
};

}  // namespace

Layer read_vector(const VectorRequest& request, const std::string& working_crs) {
    return read_vector(request, spatial_reference(working_crs, request.role + " working CRS"));
}

Layer read_vector(const VectorRequest& request, const OGRSpatialReference& working_crs) {
    const std::string at = where(request.role, request.path);
    // Drivers parse lazily (in GetLayer, GetLayerDefn ...): collect from before the first call,
    // so no GDAL message escapes to stderr and the reason reaches our message.
    ScopedErrorCollector errors;
    InputGuard guard(request.role, request.path, request.allow_network);  // outlives the dataset
    auto dataset = open_vector(request.role, request.path, request.allow_network, request.encoding);
    OGRLayer* layer = pick_layer(*dataset, request.role, request.path, request.layer);

    if (layer->GetLayerDefn()->GetGeomFieldCount() == 0) {
        throw InputError(at + " layer '" + layer->GetName() + "' has no geometry column; expected " +
                         (request.family == GeometryFamily::Polygonal ? "Polygon or MultiPolygon" : "Point") +
                         " features (for a table of coordinates, give x, y and crs)");
    }
    const OGRSpatialReference* source_crs = layer->GetSpatialRef();
    if (source_crs == nullptr) {
        throw InputError(at + " layer '" + layer->GetName() +
                         "' has no coordinate reference system; expected one (a .prj beside a "
                         "shapefile, a crs member in GeoJSON, or an SRS in a GeoPackage)");
    }
    std::unique_ptr<OGRCoordinateTransformation> transform;
    if (!source_crs->IsSame(&working_crs)) {
        transform.reset(OGRCreateCoordinateTransformation(source_crs, &working_crs));
        if (!transform) {
            throw InputError(at + ": cannot transform from its CRS to the working CRS: " + errors.last_error());
        }
    }

    apply_filter(*layer, request.where, at);
    Layer out;
    out.name = valid_utf8(layer->GetName());
    out.crs_wkt = wkt_of(working_crs);
    {
        const char* authority = source_crs->GetAuthorityName(nullptr);
        const char* code = source_crs->GetAuthorityCode(nullptr);
        const char* name = source_crs->GetName();
        out.source_crs = authority && code ? std::string(authority) + ":" + code : name ? name : "";
    }
    auto builders = builders_for(*layer, at);
    layer->ResetReading();
    ReadingProgress progress(request.control, *layer, request.role);
    std::size_t feature_number = 0;
    for (auto& feature : *layer) {
        progress.feature_read();
        ++feature_number;
        const std::string feature_at =
            at + " feature " + std::to_string(feature_number) + " (FID " + std::to_string(feature->GetFID()) + ")";
        OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry == nullptr || geometry->IsEmpty()) {
            throw InputError(feature_at + ": geometry is missing or empty; expected a " +
                             std::string(request.family == GeometryFamily::Polygonal ? "polygon" : "point"));
        }
        const auto type = geometry->getGeometryType();
        if (request.family == GeometryFamily::Polygonal && !is_polygonal(type)) {
            throw InputError(feature_at + ": geometry is " + OGRGeometryTypeToName(type) + "; expected Polygon or MultiPolygon");
        }
        if (request.family == GeometryFamily::Point && wkbFlatten(type) != wkbPoint) {
            throw InputError(feature_at + ": geometry is " + OGRGeometryTypeToName(type) + "; expected Point");
        }
        std::unique_ptr<OGRGeometry> owned;
        if (geometry->hasCurveGeometry() || wkbFlatten(type) == wkbPolyhedralSurface || wkbFlatten(type) == wkbTIN ||
            wkbFlatten(type) == wkbTriangle) {
            owned.reset(OGRGeometryFactory::forceToMultiPolygon(geometry->getLinearGeometry()));
            geometry = owned.get();
        }
        geometry->flattenTo2D();
        if (!finite_extent(*geometry)) {
            throw InputError(feature_at +
                             ": coordinates are not finite or implausibly large (beyond 1e8); "
                             "expected coordinates in the layer's CRS");
        }
        if (transform && geometry->transform(transform.get()) != OGRERR_NONE) {
            // Coordinates the declared CRS cannot hold are nearly always a wrongly declared CRS.
            throw InputError(feature_at + ": cannot be transformed to the working CRS (" +
                             (errors.last_error().empty() ? "coordinates outside the CRS's area" : errors.last_error()) +
                             "); likely cause: the coordinates are not in the CRS the file declares (" + out.source_crs +
                             "): metres declared as degrees, or longitude and latitude swapped");
        }
        if (!finite_extent(*geometry)) {
            throw InputError(feature_at + ": coordinates are outside the working CRS's area of use");
        }
        out.wkb.push_back(to_wkb(*geometry));
        guard.count_row(out.wkb.back().size() / 16);  // about: 16 bytes a 2D vertex
        for (int i = 0; i < static_cast<int>(builders.size()); ++i) builders[static_cast<std::size_t>(i)].append(*feature, i);
    }
    guard.check();
    if (!errors.last_error().empty()) {
        throw InputError(at + ": reading stopped after " + std::to_string(feature_number) + " features: " + errors.last_error());
    }
    if (out.wkb.empty()) {
        throw InputError(at + " layer '" + out.name + "' has no features" +
                         (request.where.empty() ? "" : " matching \"" + request.where + "\"") + "; expected at least one");
    }
    for (auto& builder : builders) out.columns.push_back(std::move(builder).finish());
    progress.finish();
    return out;
}

Layer read_table(const std::string& role, const std::filesystem::path& path, const std::string& layer_name, bool allow_network,
                 const std::string& filter, const std::vector<std::string>& columns, const Control& control,
                 const std::string& encoding) {
    const std::string at = where(role, path);
    ScopedErrorCollector errors;  // from the start: drivers parse lazily (see read_vector)
    InputGuard guard(role, path, allow_network);
    auto dataset = open_vector(role, path, allow_network, encoding);
    OGRLayer* layer = pick_layer(*dataset, role, path, layer_name);
    apply_filter(*layer, filter, at);
    Layer out;
    out.name = valid_utf8(layer->GetName());
    auto builders = builders_for(*layer, at);
    std::vector<int> fields(builders.size());
    for (std::size_t i = 0; i < fields.size(); ++i) fields[i] = static_cast<int>(i);
    if (!columns.empty()) {
        // Only the named columns (a national postcode directory has dozens): the others are
        // neither converted nor kept. A missing one is reported against every column there is.
        std::vector<std::string> names;
        for (const auto& builder : builders) names.push_back(builder.name);
        std::vector<ColumnBuilder> kept;
        std::vector<int> kept_fields;
        for (const auto& column : columns) {
            const auto found = std::find(names.begin(), names.end(), column);
            if (found == names.end())
                throw InputError(at + " has no column '" + column + "'" + core::did_you_mean(column, names) +
                                 "; columns: " + core::join_names(names));
            kept.push_back(builders[static_cast<std::size_t>(found - names.begin())]);
            kept_fields.push_back(static_cast<int>(found - names.begin()));
        }
        std::vector<const char*> ignored;
        for (const auto& name : names)
            if (std::find(columns.begin(), columns.end(), name) == columns.end()) ignored.push_back(name.c_str());
        ignored.push_back(nullptr);
        layer->SetIgnoredFields(ignored.data());
        builders = std::move(kept);
        fields = std::move(kept_fields);
    }
    layer->ResetReading();
    ReadingProgress progress(&control, *layer, role);
    std::size_t rows = 0;
    for (auto& feature : *layer) {
        progress.feature_read();
        ++rows;
        guard.count_row(0);
        for (std::size_t i = 0; i < builders.size(); ++i) builders[i].append(*feature, fields[i]);
    }
    guard.check();
    if (!errors.last_error().empty()) {
        throw InputError(at + ": reading stopped after row " + std::to_string(rows) + ": " + errors.last_error());
    }
    if (rows == 0)
        throw InputError(at + " has no rows" + (filter.empty() ? "" : " matching \"" + filter + "\"") +
                         "; expected a header and at least one row");
    for (auto& builder : builders) out.columns.push_back(std::move(builder).finish());
    progress.finish();
    return out;
}

Layer points_from_columns(Layer table, const std::string& role, const std::filesystem::path& path, const std::string& x,
                          const std::string& y, const OGRSpatialReference& crs, const OGRSpatialReference& working_crs) {
    const auto xs = numeric_values(require_column(table, role, path, x), role, path, false);
    const auto ys = numeric_values(require_column(table, role, path, y), role, path, false);
    std::unique_ptr<OGRCoordinateTransformation> transform;
    if (!crs.IsSame(&working_crs)) {
        transform.reset(OGRCreateCoordinateTransformation(&crs, &working_crs));
        if (!transform) throw InputError(where(role, path) + ": cannot transform its coordinates to the working CRS");
    }
    table.crs_wkt = wkt_of(working_crs);
    table.wkb.reserve(xs.size());
    for (std::size_t row = 0; row < xs.size(); ++row) {
        const std::string row_at = where(role, path) + " row " + std::to_string(row + 1);
        if (std::isnan(xs[row]) || std::isnan(ys[row])) {
            throw InputError(row_at + ": coordinate column '" + (std::isnan(xs[row]) ? x : y) + "' is blank; expected a number");
        }
        OGRPoint point(xs[row], ys[row]);
        if (!finite_extent(point) || (transform && point.transform(transform.get()) != OGRERR_NONE) || !finite_extent(point)) {
            throw InputError(row_at + ": point (" + std::to_string(xs[row]) + ", " + std::to_string(ys[row]) + ") in columns '" +
                             x + "', '" + y +
                             "' cannot be placed in the working CRS; "
                             "check the crs and the x/y order");
        }
        table.wkb.push_back(to_wkb(point));
    }
    return table;
}

const Column& require_column(const Layer& layer, const std::string& role, const std::filesystem::path& path,
                             const std::string& column) {
    if (const Column* found = layer.find(column)) return *found;
    std::vector<std::string> names;
    for (const auto& c : layer.columns) names.push_back(c.name);
    throw InputError(where(role, path) + " has no column '" + column + "'" + core::did_you_mean(column, names) +
                     "; columns: " + core::join_names(names));
}

std::string key_text(const Column& column, std::size_t row) {
    if (!column.is_valid(row)) return {};
    return std::visit(
        [row](const auto& values) -> std::string {
            using T = std::decay_t<decltype(values)>;
            if constexpr (std::is_same_v<T, Column::Texts>) {
                std::string_view s = values[row];
                while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
                while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
                return std::string(s);
            } else if constexpr (std::is_same_v<T, Column::Integers>) {
                return std::to_string(values[row]);
            } else {
                const double v = values[row];
                if (std::isnan(v)) return {};
                if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%.17g", v);
                return buffer;
            }
        },
        column.values);
}

Column numbers_where_numeric(Column column) {
    const auto* texts = std::get_if<Column::Texts>(&column.values);
    if (texts == nullptr) return column;
    constexpr double kExactIntegers = 9007199254740992.0;  // 2^53: every whole number below is a double
    Column::Reals reals(texts->size(), std::nan(""));
    bool whole = true, any = false;
    for (std::size_t row = 0; row < texts->size(); ++row) {
        if (!column.is_valid(row)) continue;
        std::string_view text = (*texts)[row];
        double value = 0.0;
        const ParsedNumber parsed = parse_number(text, value);
        if (parsed == ParsedNumber::Blank) continue;
        if (parsed == ParsedNumber::NotANumber) return column;
        const auto first = text.find_first_not_of(" \t+-");
        if (first != std::string_view::npos && text[first] == '0' && first + 1 < text.size() &&
            std::isdigit(static_cast<unsigned char>(text[first + 1])))
            return column;  // a code such as "007": its leading zeros are part of it
        any = true;
        reals[row] = value;
        whole = whole && text.find_first_of(".eE") == std::string_view::npos && std::abs(value) < kExactIntegers;
    }
    if (!any) return column;
    if (!whole) return Column::reals(std::move(column.name), std::move(reals));
    Column::Integers integers(reals.size(), 0);
    std::vector<bool> valid(reals.size(), false);
    for (std::size_t row = 0; row < reals.size(); ++row) {
        if (std::isnan(reals[row])) continue;
        integers[row] = static_cast<std::int64_t>(reals[row]);
        valid[row] = true;
    }
    return Column::integers(std::move(column.name), std::move(integers), std::move(valid));
}

double numeric_value(const Column& column, std::size_t row, const std::string& role, const std::filesystem::path& path,
                     bool blank_allowed) {
    if (!column.is_valid(row)) return std::nan("");
    return std::visit(
        [&](const auto& values) -> double {
            using T = std::decay_t<decltype(values)>;
            if constexpr (std::is_same_v<T, Column::Texts>) {
                double value = 0.0;
                switch (parse_number(values[row], value)) {
                    case ParsedNumber::Value: return value;
                    case ParsedNumber::Blank: return std::nan("");
                    case ParsedNumber::NotANumber: break;
                }
                throw InputError(where(role, path) + " row " + std::to_string(row + 1) + ", column '" + column.name + "': '" +
                                 core::clip(values[row]) +
                                 "' is not a number; expected a finite decimal number "
                                 "(thousands separators allowed)" +
                                 (blank_allowed ? " or a blank cell" : ""));
            } else if constexpr (std::is_same_v<T, Column::Integers>) {
                return static_cast<double>(values[row]);
            } else {
                if (!std::isfinite(values[row])) {
                    throw InputError(where(role, path) + " row " + std::to_string(row + 1) + ", column '" + column.name +
                                     "': value is infinite; expected a finite number");
                }
                return values[row];
            }
        },
        column.values);
}

std::vector<double> numeric_values(const Column& column, const std::string& role, const std::filesystem::path& path,
                                   bool blank_allowed) {
    std::vector<double> out(column.size());
    for (std::size_t row = 0; row < out.size(); ++row) out[row] = numeric_value(column, row, role, path, blank_allowed);
    return out;
}

}  // namespace furthest::io
