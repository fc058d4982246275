#pragma once

#include <pybind11/pybind11.h>

namespace furthest::python {

/// InteractionMatrix, Decay and the access measures (nearest site, within reach, 2SFCA, BFCA, gravity).
void bind_access(pybind11::module_& m);

}  // namespace furthest::python
