#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// zonal_statistics(), raster_crosswalk(), cell_coverage() and reproject_polygons().
void bind_zonal(pybind11::module_& m);

}  // namespace furthest::python
