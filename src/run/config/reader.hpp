// The shared machinery of the config parsers: one Reader per config (its name, for messages,
// and its folder, for relative paths), and the line of a TOML node for "(line N)".
#pragma once

#include "furthest/config.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <string>
#include <vector>

namespace furthest::run_detail {

/// " (line N)" where the node was written, or "" for a table built in memory (a dict).
std::string line_of(const toml::node& node);
std::string line_of_key(const toml::table& table, const std::string& key);

/// Reads typed values out of TOML tables; every failure is a ConfigError that starts with
/// "config <source>: " and names the key and section.
class Reader {
public:
    Reader(std::string source, std::filesystem::path base_dir);

    const std::string& source() const { return source_; }

    [[noreturn]] void fail(const std::string& message) const;

    /// ConfigError for the first key of `table` not in `known`, with a "did you mean".
    void check_keys(const toml::table& table, const std::string& section, const std::vector<std::string>& known) const;

    /// The sub-table `name` of `root`; an empty table when it is absent and not required.
    const toml::table& section(const toml::table& root, const std::string& name, bool required) const;

    /// A string value; empty when absent and not required. `expected` ends the messages.
    std::string text(const toml::table& table, const std::string& section, const std::string& key, bool required,
                     const std::string& expected) const;

    /// A file path with ${NAME} expanded; relative paths resolve against the config's folder,
    /// GDAL virtual paths (/vsi..., URLs) stay as written.
    std::filesystem::path path(const toml::table& table, const std::string& section, const std::string& key,
                               bool required = true) const;

    double number(const toml::table& table, const std::string& section, const std::string& key, double fallback) const;

    /// The table's optional `encoding` key ("cp1252", "utf-8" ...), checked against the encodings
    /// the readers know; empty when not given (the reader detects it).
    std::string encoding(const toml::table& table, const std::string& section, const std::string& key = "encoding") const;

private:
    std::string expand(const std::string& raw, const std::string& section, const std::string& key) const;

    std::string source_;
    std::filesystem::path base_dir_;
};

/// Where a table's rows are: 'x', 'y' and 'crs', or 'postcode' (looked up in [postcodes]).
/// `alternative` names what leaving both out means, for the message.
SiteColumns parse_site_columns(const Reader& reader, const toml::table& table, const std::string& section, bool required,
                               const std::string& alternative = "");

}  // namespace furthest::run_detail
