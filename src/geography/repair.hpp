// Invalid polygons are repaired with GEOS MakeValid and reported, never dropped.
#pragma once

#include "furthest/control.hpp"

#include <string>
#include <vector>

namespace furthest::geography {

struct Repair {
    std::size_t index;   ///< position in the input
    std::string reason;  ///< GEOS's validity reason before repair
};

/// Repair every invalid polygon (WKB, in place), keeping only polygonal parts. Throws
/// GeometryError naming the feature when a polygon has no area, before or after repair.
/// `label(i)` names feature i in messages. Polls `control` ("repairing geometry").
std::vector<Repair> repair_polygons(std::vector<std::string>& wkb, const std::string& role,
                                    const std::vector<std::string>& labels, int threads = 0, const Control& control = {});

}  // namespace furthest::geography
