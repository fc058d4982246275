// The [scoring] section of a run config (or a scoring spec on its own) as a ScoringSpec.
#pragma once

#include "furthest/scoring.hpp"

#include <toml++/toml.h>

#include <string>

namespace furthest::run_detail {

/// Read a [scoring] table; `where` names it in messages (e.g. "config leeds.toml [scoring]").
/// Throws ConfigError naming the key, what it holds and what was expected.
ScoringSpec scoring_spec_from_table(const toml::table& table, const std::string& where);

}  // namespace furthest::run_detail
