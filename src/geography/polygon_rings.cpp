#include "geography/polygon_rings.hpp"

#include "furthest/errors.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

namespace furthest::geography {
namespace {

// std::byteswap is C++23; these are the two widths WKB needs.
std::uint32_t swap_bytes(std::uint32_t v) { return (v >> 24) | ((v >> 8) & 0x0000ff00u) | ((v << 8) & 0x00ff0000u) | (v << 24); }
std::uint64_t swap_bytes(std::uint64_t v) {
    return (static_cast<std::uint64_t>(swap_bytes(static_cast<std::uint32_t>(v))) << 32) |
           swap_bytes(static_cast<std::uint32_t>(v >> 32));
}

// A bounds-checked cursor over one WKB buffer; every nested geometry carries its own byte order.
class WkbCursor {
public:
    explicit WkbCursor(const std::string& wkb) : data_(wkb.data()), size_(wkb.size()) {}

    std::uint8_t byte() {
        need(1);
        return static_cast<std::uint8_t>(data_[at_++]);
    }
    std::uint32_t uint32(bool little) {
        need(4);
        std::uint32_t v = 0;
        std::memcpy(&v, data_ + at_, 4);
        at_ += 4;
        if (little != (std::endian::native == std::endian::little)) v = swap_bytes(v);
        return v;
    }
    double float64(bool little) {
        need(8);
        std::uint64_t bits = 0;
        std::memcpy(&bits, data_ + at_, 8);
        at_ += 8;
        if (little != (std::endian::native == std::endian::little)) bits = swap_bytes(bits);
        return std::bit_cast<double>(bits);
    }
    void skip(std::size_t bytes) {
        need(bytes);
        at_ += bytes;
    }
    std::size_t remaining() const { return size_ - at_; }

private:
    void need(std::size_t bytes) const {
        if (size_ - at_ < bytes) throw GeometryError("polygon WKB is truncated (" + std::to_string(size_) + " bytes)");
    }
    const char* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

struct Header {
    bool little;
    std::uint32_t type;  // 1 Point ... 7 GeometryCollection
    std::size_t dims;    // ordinates per point
};

Header read_header(WkbCursor& in) {
    const std::uint8_t order = in.byte();
    if (order > 1) throw GeometryError("polygon WKB has an invalid byte-order mark " + std::to_string(order));
    const bool little = order == 1;
    std::uint32_t raw = in.uint32(little);
    std::size_t dims = 2;
    // Extended WKB (PostGIS) flags in the high bits; ISO WKB adds 1000/2000/3000 for Z/M/ZM.
    if (raw & 0x80000000u) ++dims;
    if (raw & 0x40000000u) ++dims;
    if (raw & 0x20000000u) in.skip(4);  // SRID
    raw &= 0x0fffffffu;
    const std::uint32_t iso = raw / 1000;
    if (iso == 1 || iso == 2) ++dims;
    if (iso == 3) dims += 2;
    return {little, raw % 1000, dims};
}

void read_polygon_body(WkbCursor& in, const Header& h, PolygonRings& out) {
    const std::uint32_t rings = in.uint32(h.little);
    for (std::uint32_t r = 0; r < rings; ++r) {
        const std::uint32_t points = in.uint32(h.little);
        if (static_cast<std::size_t>(points) * h.dims * 8 > in.remaining())
            throw GeometryError("polygon WKB is truncated (a ring claims " + std::to_string(points) + " points)");
        if (points == 0) continue;
        const std::size_t first = out.xy.size();
        for (std::uint32_t p = 0; p < points; ++p) {
            out.xy.push_back(in.float64(h.little));
            out.xy.push_back(in.float64(h.little));
            in.skip((h.dims - 2) * 8);
        }
        // Close an unclosed ring so every edge walk ends where it began.
        if (out.xy[first] != out.xy[out.xy.size() - 2] || out.xy[first + 1] != out.xy.back()) {
            out.xy.push_back(out.xy[first]);
            out.xy.push_back(out.xy[first + 1]);
        }
        out.offsets.push_back(out.xy.size() / 2);
        out.is_hole.push_back(r > 0);
    }
}

// Collections nest; real data nests one or two levels. A bound keeps hostile WKB from
// overflowing the stack.
constexpr int kMaxNesting = 32;

void read_geometry(WkbCursor& in, PolygonRings& out, int depth) {
    if (depth > kMaxNesting)
        throw GeometryError("polygon WKB nests collections more than " + std::to_string(kMaxNesting) + " deep");
    const bool top_level = depth == 0;
    const Header h = read_header(in);
    switch (h.type) {
        case 3: read_polygon_body(in, h, out); return;
        case 6:
        case 7: {
            const std::uint32_t parts = in.uint32(h.little);
            for (std::uint32_t p = 0; p < parts; ++p) read_geometry(in, out, depth + 1);
            return;
        }
        case 1:
        case 2:
        case 4:
        case 5:
            if (!top_level) {
                // Points and lines inside a collection cover no area: read past them.
                if (h.type == 1) {
                    in.skip(h.dims * 8);
                } else if (h.type == 2) {
                    in.skip(static_cast<std::size_t>(in.uint32(h.little)) * h.dims * 8);
                } else {
                    const std::uint32_t parts = in.uint32(h.little);
                    for (std::uint32_t p = 0; p < parts; ++p) read_geometry(in, out, depth + 1);
                }
                return;
            }
            [[fallthrough]];
        default: throw GeometryError("expected a Polygon or MultiPolygon, got WKB geometry type " + std::to_string(h.type));
    }
}

// Walk any WKB geometry without keeping it, only to bound how deep collections nest.
void walk_geometry(WkbCursor& in, int depth) {
    if (depth > kMaxNesting) throw GeometryError("WKB nests collections more than " + std::to_string(kMaxNesting) + " deep");
    const Header h = read_header(in);
    switch (h.type) {
        case 1: in.skip(h.dims * 8); return;
        case 2: in.skip(static_cast<std::size_t>(in.uint32(h.little)) * h.dims * 8); return;
        case 3: {
            const std::uint32_t rings = in.uint32(h.little);
            for (std::uint32_t r = 0; r < rings; ++r) in.skip(static_cast<std::size_t>(in.uint32(h.little)) * h.dims * 8);
            return;
        }
        case 4:
        case 5:
        case 6:
        case 7: {
            const std::uint32_t parts = in.uint32(h.little);
            for (std::uint32_t p = 0; p < parts; ++p) walk_geometry(in, depth + 1);
            return;
        }
        default: return;  // other types are the reader's to refuse
    }
}

}  // namespace

void check_wkb_nesting(const std::string& wkb) {
    WkbCursor in(wkb);
    walk_geometry(in, 0);
}

PolygonRings read_polygon_rings(const std::string& wkb) {
    PolygonRings out;
    out.offsets.push_back(0);
    WkbCursor in(wkb);
    read_geometry(in, out, 0);
    return out;
}

}  // namespace furthest::geography
