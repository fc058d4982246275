// [population]: people per zone, joined like an indicator; optional population-weighted centroids.
#include "run/config/sections.hpp"

namespace furthest::run_detail {

void parse_population_section(const Reader& reader, const toml::table& root, RunConfig& config) {
    if (!root.get("population")) return;
    const std::string section = "[population]";
    const auto& table = reader.section(root, "population", false);
    reader.check_keys(table, section, {"path", "layer", "key", "column", "via", "centroids", "encoding"});
    PopulationSpec spec;
    IndicatorSpec& count = spec.count;
    count.path = reader.path(table, section, "path");
    count.layer = reader.text(table, section, "layer", false, "a layer name");
    count.encoding = reader.encoding(table, section);
    if (const toml::node* via = table.get("via")) {
        if (!via->is_table()) reader.fail("'via' in " + section + line_of(*via) + " must be a table, e.g. [population.via]");
        count.via = parse_via(reader, *via->as_table(), section + ".via");
        if (count.via->kind == ViaSpec::Kind::Raster)
            reader.fail(
                "[population.via] summarises a raster; for a population grid give 'zonal = \"sum\"' in an "
                "[[indicators]] entry instead, or a table of people per zone here");
        // People are counted: whatever the via says, they are summed onto zones, never averaged.
        count.via->extensive = true;
    }
    const bool via_points = count.via && count.via->kind == ViaSpec::Kind::Points;
    count.key = reader.text(table, section, "key", !via_points, "the column holding the zone id");
    count.column = reader.text(table, section, "column", true, "the people column, e.g. \"total_usual_residents\"");
    count.name = "population";
    count.direction = Direction::HigherIsMoreNeed;
    count.missing = MissingValues::Error;  // a zone without people figures is an error, not a guess

    if (const toml::node* node = table.get("centroids")) {
        const std::string where = "[population.centroids]";
        if (!node->is_table()) reader.fail("'centroids' in " + section + line_of(*node) + " must be a table, e.g. " + where);
        const toml::table& centroids = *node->as_table();
        reader.check_keys(centroids, where, {"path", "layer", "key", "x", "y", "crs", "encoding"});
        spec.centroids = reader.path(centroids, where, "path");
        spec.centroids_layer = reader.text(centroids, where, "layer", false, "a layer name");
        spec.centroids_encoding = reader.encoding(centroids, where);
        spec.centroids_key = reader.text(centroids, where, "key", true, "the column holding the zone id");
        spec.centroids_site = parse_site_columns(reader, centroids, where, false, "for a point layer");
        if (!spec.centroids_site.postcode.empty())
            reader.fail(where + " places centroids by 'postcode'; expected 'x', 'y' and 'crs', or a point layer");
    }
    config.population = std::move(spec);
}

}  // namespace furthest::run_detail
