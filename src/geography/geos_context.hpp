// GEOS C API plumbing: one context per thread, owned geometries whose deleter knows it.
#pragma once

#ifndef GEOS_USE_ONLY_R_API
#define GEOS_USE_ONLY_R_API
#endif
#include <geos_c.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace furthest::geography {

/// A GEOS context with a message handler that keeps the last error for our exceptions.
/// Not shared between threads: each worker makes its own.
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const { return handle_; }
    const std::string& last_error() const { return last_error_; }

    struct GeometryDeleter {
        GEOSContextHandle_t context;
        void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(context, g); }
    };
    struct PreparedDeleter {
        GEOSContextHandle_t context;
        void operator()(const GEOSPreparedGeometry* g) const { GEOSPreparedGeom_destroy_r(context, g); }
    };
    struct TreeDeleter {
        GEOSContextHandle_t context;
        void operator()(GEOSSTRtree* t) const { GEOSSTRtree_destroy_r(context, t); }
    };
    using Geometry = std::unique_ptr<GEOSGeometry, GeometryDeleter>;
    using Prepared = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;
    using Tree = std::unique_ptr<GEOSSTRtree, TreeDeleter>;

    /// Take ownership of a raw result; throws GeometryError with GEOS's message when null.
    Geometry own(GEOSGeometry* raw, const char* operation) const;
    Geometry from_wkb(const std::string& wkb) const;
    std::string to_wkb(const GEOSGeometry* geometry) const;
    Prepared prepare(const GEOSGeometry* geometry) const;
    Tree tree(std::size_t node_capacity = 10) const;
    double area(const GEOSGeometry* geometry) const;
    /// False when any x or y is NaN, infinite or beyond kMaxCoordinate (GEOS operations leak,
    /// fail or run for minutes on them).
    bool plausible_coordinates(const GEOSGeometry* geometry) const;

private:
    static void on_message(const char* message, void* user_data);
    GEOSContextHandle_t handle_;
    std::string last_error_;
};

}  // namespace furthest::geography
