#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// SpatialWeights, the weights builders, local_gi_star(), local_moran() and benjamini_hochberg().
void bind_spatial(pybind11::module_& m);

}  // namespace furthest::python
