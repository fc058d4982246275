#include "run/config/reader.hpp"

#include "core/text.hpp"
#include "furthest/errors.hpp"
#include "io/text_encoding.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace furthest::run_detail {

std::string line_of(const toml::node& node) {
    const auto& begin = node.source().begin;
    return begin.line ? " (line " + std::to_string(begin.line) + ")" : std::string();
}

std::string line_of_key(const toml::table& table, const std::string& key) {
    const toml::node* node = table.get(key);
    return node ? line_of(*node) : std::string();
}

Reader::Reader(std::string source, std::filesystem::path base_dir) : source_(std::move(source)), base_dir_(std::move(base_dir)) {}

void Reader::fail(const std::string& message) const { throw ConfigError("config " + source_ + ": " + message); }

void Reader::check_keys(const toml::table& table, const std::string& section, const std::vector<std::string>& known) const {
    for (const auto& [key, node] : table) {
        const std::string name(key.str());
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            fail("unknown key '" + name + "' in " + section + line_of(node) + core::did_you_mean(name, known) +
                 "; known keys: " + core::join_names(known));
        }
    }
}

const toml::table& Reader::section(const toml::table& root, const std::string& name, bool required) const {
    const toml::node* node = root.get(name);
    if (node == nullptr) {
        if (required) fail("missing section [" + name + "]");
        static const toml::table empty;
        return empty;
    }
    if (!node->is_table()) fail("[" + name + "] must be a table" + line_of(*node));
    return *node->as_table();
}

std::string Reader::text(const toml::table& table, const std::string& section, const std::string& key, bool required,
                         const std::string& expected) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        if (required) fail(section + " is missing '" + key + "'; expected " + expected);
        return {};
    }
    if (!node->is_string()) fail("'" + key + "' in " + section + line_of(*node) + " must be a string; expected " + expected);
    std::string value = node->as_string()->get();
    if (required && value.empty()) fail("'" + key + "' in " + section + line_of(*node) + " is empty; expected " + expected);
    return value;
}

std::filesystem::path Reader::path(const toml::table& table, const std::string& section, const std::string& key,
                                   bool required) const {
    const std::string raw = text(table, section, key, required, "a file path");
    if (raw.empty()) return {};
    std::filesystem::path p(expand(raw, section, key));
    if (p.string().rfind("/vsi", 0) == 0 || p.string().find("://") != std::string::npos) return p;
    return (p.is_relative() ? base_dir_ / p : p).lexically_normal();
}

double Reader::number(const toml::table& table, const std::string& section, const std::string& key, double fallback) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return fallback;
    if (auto v = node->value<double>()) return *v;
    fail("'" + key + "' in " + section + line_of(*node) + " must be a number");
}

// ${NAME} from the environment; ${FURTHEST_DATA} falls back to a shared/data folder found
// beside the config's ancestors (the layout of the project's checkouts).
std::string Reader::expand(const std::string& raw, const std::string& section, const std::string& key) const {
    std::string out;
    std::size_t i = 0;
    while (i < raw.size()) {
        if (raw.compare(i, 2, "${") == 0) {
            const std::size_t close = raw.find('}', i);
            if (close == std::string::npos) fail("'" + key + "' in " + section + ": unclosed '${' in '" + raw + "'");
            const std::string name = raw.substr(i + 2, close - i - 2);
            std::string value;
            if (const char* env = std::getenv(name.c_str()); env && *env) {
                value = env;
                // A relative folder in the environment means what it means in the shell that set
                // it: relative to the working directory, not to the config's folder.
                std::error_code ec;
                if (i == 0 && std::filesystem::path(value).is_relative())
                    value = std::filesystem::absolute(value, ec).lexically_normal().string();
            } else if (name == "FURTHEST_DATA") {
                value = default_data_dir(base_dir_).string();
                if (value.empty())
                    fail("'" + key + "' in " + section +
                         " uses ${FURTHEST_DATA}, but the environment variable is "
                         "not set and no shared/data folder was found beside the config's folders");
            } else {
                fail("'" + key + "' in " + section + " uses ${" + name + "}, which is not set in the environment");
            }
            out += value;
            i = close + 1;
        } else {
            out += raw[i++];
        }
    }
    return out;
}

SiteColumns parse_site_columns(const Reader& reader, const toml::table& table, const std::string& section, bool required,
                               const std::string& alternative) {
    SiteColumns site;
    site.x = reader.text(table, section, "x", false, "the x (longitude/easting) column");
    site.y = reader.text(table, section, "y", false, "the y (latitude/northing) column");
    site.crs = reader.text(table, section, "crs", false, "the CRS of x and y, e.g. \"EPSG:4326\"");
    site.postcode = reader.text(table, section, "postcode", false, "the postcode column");
    const bool xy = !site.x.empty() || !site.y.empty();
    if (xy && !site.postcode.empty())
        reader.fail(section + " gives both 'x'/'y' and 'postcode'; expected one way of placing its rows");
    if (xy && (site.x.empty() || site.y.empty()))
        reader.fail(section + " needs both 'x' and 'y'" +
                    (alternative.empty() ? std::string() : ", or neither (" + alternative + ")"));
    if (xy && site.crs.empty()) reader.fail(section + " gives 'x' and 'y' but no 'crs'; expected e.g. crs = \"EPSG:4326\"");
    if (!xy && !site.crs.empty()) reader.fail("'crs' in " + section + " only applies with 'x' and 'y'");
    if (required && !xy && site.postcode.empty())
        reader.fail(section + " needs 'x', 'y' and 'crs' (coordinate columns) or 'postcode' (a postcode column)");
    return site;
}

std::string Reader::encoding(const toml::table& table, const std::string& section, const std::string& key) const {
    const std::string value = text(table, section, key, false, "an encoding such as \"cp1252\"");
    if (const toml::node* node = table.get(key); node && !io::parse_encoding(value))
        fail("'" + key + "' in " + section + line_of(*node) + " is '" + value + "'" +
             core::did_you_mean(value, {"utf-8", "utf-16", "cp1252", "windows-1252", "latin-1"}) +
             "; expected utf-8, utf-16, cp1252 (windows-1252, Excel's \"CSV\") or latin-1 (iso-8859-1)");
    return value;
}

}  // namespace furthest::run_detail
