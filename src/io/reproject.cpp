#include "io/reproject.hpp"

#include "furthest/errors.hpp"
#include "io/gdal_session.hpp"

#include <ogr_geometry.h>

#include <memory>

namespace furthest::io {

std::vector<std::string> reproject_geometries(const std::vector<std::string>& wkb, const std::string& from_crs,
                                              const std::string& to_crs, const std::string& role) {
    const OGRSpatialReference from = spatial_reference(from_crs, role + " CRS");
    const OGRSpatialReference to = spatial_reference(to_crs, "working CRS");
    if (from.IsSame(&to)) return wkb;
    ScopedErrorCollector errors;
    std::unique_ptr<OGRCoordinateTransformation> transform(OGRCreateCoordinateTransformation(&from, &to));
    if (!transform) throw InputError(role + ": cannot transform to the working CRS: " + errors.last_error());
    std::vector<std::string> out(wkb.size());
    for (std::size_t i = 0; i < wkb.size(); ++i) {
        if (wkb[i].empty()) continue;
        OGRGeometry* raw = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb[i].data(), nullptr, &raw, wkb[i].size()) != OGRERR_NONE)
            throw InputError(role + " feature " + std::to_string(i + 1) + ": geometry is not valid WKB");
        std::unique_ptr<OGRGeometry> geometry(raw);
        if (geometry->transform(transform.get()) != OGRERR_NONE)
            throw InputError(role + " feature " + std::to_string(i + 1) + ": cannot be transformed to the working CRS (" +
                             (errors.last_error().empty() ? "outside the CRS's area of use" : errors.last_error()) + ")");
        out[i].resize(static_cast<std::size_t>(geometry->WkbSize()));
        geometry->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(out[i].data()), wkbVariantIso);
    }
    return out;
}

bool is_geographic(const std::string& crs) { return spatial_reference(crs, "CRS").IsGeographic(); }

std::string crs_wkt(const std::string& crs) {
    const OGRSpatialReference srs = spatial_reference(crs, "CRS");
    char* wkt = nullptr;
    const char* const options[] = {"FORMAT=WKT2_2018", nullptr};
    srs.exportToWkt(&wkt, options);
    std::string out = wkt ? wkt : "";
    CPLFree(wkt);
    return out;
}

}  // namespace furthest::io
