// The [scoring] section of a run config (and the Python dict of the same shape) as a ScoringSpec.
#pragma once

#include "furthest/scoring.hpp"

#include <toml++/toml.h>

#include <string>

namespace furthest::scoring_detail {

/// Read a [scoring] table; `where` names it in messages (e.g. "config leeds.toml [scoring]").
/// Throws ConfigError naming the key, what it holds and what was expected.
ScoringSpec scoring_spec_from_table(const toml::table& table, const std::string& where);

}  // namespace furthest::scoring_detail
