#include "furthest/errors.hpp"
#include "furthest/io.hpp"
#include "io/gdal_session.hpp"

#include <ogr_geometry.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace furthest::io {

std::vector<std::string> reproject_geometries(std::span<const std::string> wkb, const std::string& from_crs,
                                              const std::string& to_crs, const std::string& role) {
    std::vector<std::string> out(wkb.begin(), wkb.end());
    if (from_crs.empty() && to_crs.empty()) return out;  // both unknown: nothing to reconcile
    if (from_crs.empty() || to_crs.empty())
        throw InputError(role + (from_crs.empty() ? ": the geometries have no coordinate reference system but the data they "
                                                    "meet has one; expected geometries with a CRS"
                                                  : ": the data they meet has no coordinate reference system; expected one"));
    const OGRSpatialReference from = spatial_reference(from_crs, role + " CRS");
    const OGRSpatialReference to = spatial_reference(to_crs, role + " target CRS");
    const char* const same_options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT", nullptr};
    if (from.IsSame(&to, same_options)) return out;
    ScopedErrorCollector errors;
    std::unique_ptr<OGRCoordinateTransformation> transform(OGRCreateCoordinateTransformation(&from, &to));
    if (!transform)
        throw InputError(role + ": cannot transform to the working CRS: " +
                         (errors.last_error().empty() ? "no transformation known" : errors.last_error()));
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i].empty()) continue;  // no geometry
        const std::string at = role + " feature " + std::to_string(i + 1);
        OGRGeometry* raw = nullptr;
        if (OGRGeometryFactory::createFromWkb(out[i].data(), nullptr, &raw, out[i].size()) != OGRERR_NONE || !raw)
            throw InputError(at + ": geometry is not readable WKB");
        std::unique_ptr<OGRGeometry> geometry(raw);
        if (geometry->transform(transform.get()) != OGRERR_NONE)
            throw InputError(at + ": cannot be transformed (" +
                             (errors.last_error().empty() ? "coordinates outside the CRS's area of use" : errors.last_error()) +
                             ")");
        std::string bytes(static_cast<std::size_t>(geometry->WkbSize()), '\0');
        geometry->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(bytes.data()), wkbVariantIso);
        out[i] = std::move(bytes);
    }
    return out;
}

std::size_t reproject_coordinates(std::span<double> x, std::span<double> y, const std::string& from_crs,
                                  const std::string& to_crs, const std::string& role) {
    const OGRSpatialReference from = spatial_reference(from_crs, role + " CRS");
    const OGRSpatialReference to = spatial_reference(to_crs, role + " target CRS");
    const char* const same_options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT", nullptr};
    if (from.IsSame(&to, same_options)) return 0;
    ScopedErrorCollector errors;
    std::unique_ptr<OGRCoordinateTransformation> transform(OGRCreateCoordinateTransformation(&from, &to));
    if (!transform)
        throw InputError(role + ": cannot transform to the working CRS: " +
                         (errors.last_error().empty() ? "no transformation known" : errors.last_error()));
    std::vector<int> ok(x.size(), 0);
    // GDAL 3.6 counts points in an int (3.9+ in a size_t): transform in chunks either way.
    constexpr std::size_t kChunk = std::size_t{1} << 30;
    for (std::size_t start = 0; start < x.size(); start += kChunk) {
        const std::size_t count = std::min(kChunk, x.size() - start);
        transform->Transform(static_cast<int>(count), x.data() + start, y.data() + start, nullptr, ok.data() + start);
    }
    std::size_t failed = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!ok[i] || !std::isfinite(x[i]) || !std::isfinite(y[i])) {
            x[i] = y[i] = std::numeric_limits<double>::quiet_NaN();
            ++failed;
        }
    return failed;
}

bool is_geographic(const std::string& crs) { return spatial_reference(crs, "CRS").IsGeographic(); }

std::string crs_wkt(const std::string& crs) { return wkt_of(spatial_reference(crs, "CRS")); }

}  // namespace furthest::io
