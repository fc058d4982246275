#include "geography/geos_context.hpp"

#include "furthest/errors.hpp"
#include "geography/polygon_rings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>

namespace furthest::geography {

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
    if (handle_ == nullptr) throw GeometryError("cannot create a GEOS context");
    GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_message, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

void GeosContext::on_message(const char* message, void* user_data) {
    static_cast<GeosContext*>(user_data)->last_error_ = message ? message : "";
}

GeosContext::Geometry GeosContext::own(GEOSGeometry* raw, const char* operation) const {
    if (raw == nullptr) {
        throw GeometryError(std::string("GEOS ") + operation + " failed: " + (last_error_.empty() ? "no message" : last_error_));
    }
    return Geometry(raw, GeometryDeleter{handle_});
}

GeosContext::Geometry GeosContext::from_wkb(const std::string& wkb) const {
    check_wkb_nesting(wkb);
    auto geometry =
        own(GEOSGeomFromWKB_buf_r(handle_, reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size()), "WKB reading");
    // GEOS overlay and MakeValid fail on NaN/Inf (3.11 leaks on the way out) and can run for
    // minutes on astronomically large coordinates; refuse both here.
    if (!plausible_coordinates(geometry.get()))
        throw GeometryError("coordinates are not finite or beyond 1e15; expected coordinates of a projected CRS");
    return geometry;
}

std::string GeosContext::to_wkb(const GEOSGeometry* geometry) const {
    GEOSWKBWriter* writer = GEOSWKBWriter_create_r(handle_);
    GEOSWKBWriter_setByteOrder_r(handle_, writer, GEOS_WKB_NDR);
    GEOSWKBWriter_setOutputDimension_r(handle_, writer, 2);
    std::size_t size = 0;
    unsigned char* buffer = GEOSWKBWriter_write_r(handle_, writer, geometry, &size);
    GEOSWKBWriter_destroy_r(handle_, writer);
    if (buffer == nullptr) throw GeometryError("GEOS WKB writing failed: " + last_error_);
    std::string out(reinterpret_cast<const char*>(buffer), size);
    GEOSFree_r(handle_, buffer);
    return out;
}

GeosContext::Prepared GeosContext::prepare(const GEOSGeometry* geometry) const {
    const GEOSPreparedGeometry* prepared = GEOSPrepare_r(handle_, geometry);
    if (prepared == nullptr) throw GeometryError("GEOS prepare failed: " + last_error_);
    return Prepared(prepared, PreparedDeleter{handle_});
}

GeosContext::Tree GeosContext::tree(std::size_t node_capacity) const {
    GEOSSTRtree* tree = GEOSSTRtree_create_r(handle_, node_capacity);
    if (tree == nullptr) throw GeometryError("GEOS STRtree creation failed: " + last_error_);
    return Tree(tree, TreeDeleter{handle_});
}

double GeosContext::area(const GEOSGeometry* geometry) const {
    double value = 0.0;
    if (GEOSArea_r(handle_, geometry, &value) == 0) throw GeometryError("GEOS area failed: " + last_error_);
    return value;
}

bool GeosContext::plausible_coordinates(const GEOSGeometry* geometry) const {
    const auto h = handle_;
    if (GEOSisEmpty_r(h, geometry) == 1) return true;
    switch (GEOSGeomTypeId_r(h, geometry)) {
        case GEOS_POINT:
        case GEOS_LINESTRING:
        case GEOS_LINEARRING: {
            const GEOSCoordSequence* sequence = GEOSGeom_getCoordSeq_r(h, geometry);
            unsigned int size = 0;
            if (sequence == nullptr || GEOSCoordSeq_getSize_r(h, sequence, &size) == 0) return false;
            std::vector<double> xy(2 * static_cast<std::size_t>(size));
            if (GEOSCoordSeq_copyToBuffer_r(h, sequence, xy.data(), 0, 0) == 0) return false;
            return std::all_of(xy.begin(), xy.end(), [](double v) { return std::abs(v) <= kMaxCoordinate; });
        }
        case GEOS_POLYGON: {
            if (!plausible_coordinates(GEOSGetExteriorRing_r(h, geometry))) return false;
            for (int i = 0; i < GEOSGetNumInteriorRings_r(h, geometry); ++i)
                if (!plausible_coordinates(GEOSGetInteriorRingN_r(h, geometry, i))) return false;
            return true;
        }
        default:  // multi-geometries and collections
            for (int i = 0; i < GEOSGetNumGeometries_r(h, geometry); ++i)
                if (!plausible_coordinates(GEOSGetGeometryN_r(h, geometry, i))) return false;
            return true;
    }
}

}  // namespace furthest::geography
