#include "geography/geos_context.hpp"

#include "furthest/errors.hpp"

#include <algorithm>
#include <cstdarg>
#include <exception>
#include <thread>

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
        throw GeometryError(std::string("GEOS ") + operation + " failed: " +
                            (last_error_.empty() ? "no message" : last_error_));
    }
    return Geometry(raw, GeometryDeleter{handle_});
}

GeosContext::Geometry GeosContext::from_wkb(const std::string& wkb) const {
    return own(GEOSGeomFromWKB_buf_r(handle_, reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size()),
               "WKB reading");
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

int worker_count(int requested, std::size_t items) {
    int threads = requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(threads), items)));
}

void parallel_blocks(std::size_t n, int threads, const std::function<void(std::size_t, std::size_t)>& work) {
    const int workers = worker_count(threads, n);
    if (workers <= 1) {
        work(0, n);
        return;
    }
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(workers));
    std::vector<std::thread> pool;
    const std::size_t block = (n + static_cast<std::size_t>(workers) - 1) / static_cast<std::size_t>(workers);
    for (int w = 0; w < workers; ++w) {
        const std::size_t begin = std::min(n, static_cast<std::size_t>(w) * block);
        const std::size_t end = std::min(n, begin + block);
        pool.emplace_back([&, w, begin, end] {
            try {
                work(begin, end);
            } catch (...) {
                failures[static_cast<std::size_t>(w)] = std::current_exception();
            }
        });
    }
    for (auto& t : pool) t.join();
    for (auto& failure : failures)
        if (failure) std::rethrow_exception(failure);
}

}  // namespace furthest::geography
