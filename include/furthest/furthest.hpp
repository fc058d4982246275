/// @brief The front door: include this to use furthest from C++.
#pragma once

#include "furthest/access.hpp"
#include "furthest/columns.hpp"
#include "furthest/config.hpp"
#include "furthest/control.hpp"
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "furthest/io.hpp"
#include "furthest/location.hpp"
#include "furthest/postcodes.hpp"
#include "furthest/rollout.hpp"
#include "furthest/run.hpp"
#include "furthest/scoring.hpp"
#include "furthest/spatial_stats.hpp"
#include "furthest/table.hpp"
#include "furthest/version.hpp"
#include "furthest/zonal.hpp"
