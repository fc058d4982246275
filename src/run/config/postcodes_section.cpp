// [postcodes]: the directory that places rows given by postcode.
#include "core/text.hpp"
#include "run/config/sections.hpp"
#include "run/invariants.hpp"

namespace furthest::run_detail {

void parse_postcodes_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (root.get("postcodes")) {
        const auto& postcodes = reader.section(root, "postcodes", false);
        reader.check_keys(postcodes, "[postcodes]", {"path", "layer", "postcode", "x", "y", "crs", "unmatched", "encoding"});
        PostcodesSpec spec;
        spec.path = reader.path(postcodes, "[postcodes]", "path");
        spec.layer = reader.text(postcodes, "[postcodes]", "layer", false, "a layer name");
        spec.encoding = reader.encoding(postcodes, "[postcodes]");
        spec.postcode = reader.text(postcodes, "[postcodes]", "postcode", true, "the directory's postcode column");
        spec.x = reader.text(postcodes, "[postcodes]", "x", true, "the x (longitude/easting) column");
        spec.y = reader.text(postcodes, "[postcodes]", "y", true, "the y (latitude/northing) column");
        spec.crs = reader.text(postcodes, "[postcodes]", "crs", true, "the CRS of x and y, e.g. \"EPSG:4326\"");
        const std::string unmatched = reader.text(postcodes, "[postcodes]", "unmatched", false, "'error' or 'warn'");
        if (!unmatched.empty() && unmatched != "error" && unmatched != "warn")
            reader.fail("'unmatched' in [postcodes]" + line_of_key(postcodes, "unmatched") + " is '" + unmatched + "'" +
                        core::did_you_mean(unmatched, {"error", "warn"}) +
                        "; expected 'error' (stop) or 'warn' (leave such rows out and list them)");
        spec.unmatched = unmatched == "warn" ? UnmatchedPostcodes::Warn : UnmatchedPostcodes::Error;
        config.postcodes = std::move(spec);
    }

    std::vector<std::string> by_postcode;
    if (!config.areas.site.postcode.empty()) by_postcode.push_back("[areas]");
    for (const auto& partners : config.partners)
        if (!partners.site.postcode.empty()) by_postcode.push_back(partners_section(config, partners));
    if (config.population && config.population->count.via && !config.population->count.via->site.postcode.empty())
        by_postcode.push_back("[population.via]");
    for (std::size_t i = 0; i < config.indicators.size(); ++i)
        if (config.indicators[i].via && !config.indicators[i].via->site.postcode.empty())
            by_postcode.push_back("[[indicators]] #" + std::to_string(i + 1) + ".via");
    if (!by_postcode.empty() && !config.postcodes)
        reader.fail(by_postcode.front() +
                    " places its rows by 'postcode' but the config has no [postcodes] section; expected "
                    "[postcodes] with the directory's path, postcode column, x, y and crs");
}

}  // namespace furthest::run_detail
