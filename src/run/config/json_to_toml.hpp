// Configs given as JSON (Python dicts arrive this way) become the TOML tables the section
// parsers read, so a dict and a file pass the same checks with the same messages.
#pragma once

#include <toml++/toml.h>

#include <string>

namespace furthest::run_detail {

/// A JSON object as a TOML table. `null` means "not set": such keys and list items are left
/// out. `where` starts every message (e.g. "config <dict>"). ConfigError for text that is not
/// JSON, a top level that is not an object, whole numbers beyond 64 bits, or nesting deeper
/// than any config needs.
toml::table toml_from_json(const std::string& json_text, const std::string& where);

}  // namespace furthest::run_detail
