// Config from an already parsed TOML table (the Python binding builds one from a dict).
#pragma once

#include "furthest/config.hpp"

#include <toml++/toml.h>

namespace furthest::run_detail {

RunConfig config_from_table(const toml::table& table, const std::filesystem::path& base_dir,
                            const std::string& source_name);

}  // namespace furthest::run_detail
