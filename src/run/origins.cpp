// Where each zone's trips start: the [population.centroids] point of each zone when given
// (population-weighted centroids put origins where people live), else a point inside the zone.
#include "furthest/errors.hpp"
#include "geography/points.hpp"
#include "io/gdal_session.hpp"
#include "io/readers.hpp"
#include "run/run_state.hpp"

#include <cmath>
#include <unordered_map>

namespace furthest::run_detail {

const ZoneOrigins& zone_origins(RunState& state) {
    if (state.origins) return *state.origins;
    const RunConfig& config = state.config;
    const ZoneSet& zones = need(state.zones, "zones");
    ZoneOrigins origins;
    if (config.population && !config.population->centroids.empty()) {
        const PopulationSpec& spec = *config.population;
        const std::string role = "population centroids";
        Layer table = spec.centroids_site.given()
                          ? io::points_from_columns(
                                io::read_table(role, spec.centroids, spec.centroids_layer, config.allow_network, "", {},
                                               state.control, spec.centroids_encoding),
                                role, spec.centroids, spec.centroids_site.x, spec.centroids_site.y,
                                io::spatial_reference(spec.centroids_site.crs, "[population.centroids] crs"), state.working_crs)
                          : io::read_vector({role, spec.centroids, spec.centroids_layer, io::GeometryFamily::Point,
                                             config.allow_network, "", &state.control, spec.centroids_encoding},
                                            state.working_crs);
        state.facts.inputs.push_back({role, spec.centroids});
        std::vector<double> x, y;
        try {
            geography::point_coordinates(table.wkb, x, y);
        } catch (const GeometryError& error) {
            throw InputError(role + ": '" + spec.centroids.string() + "': " + error.what());
        }
        const Column& key = io::require_column(table, role, spec.centroids, spec.centroids_key);
        std::unordered_map<std::string, std::size_t> row_of;
        for (std::size_t row = 0; row < table.rows(); ++row) row_of.emplace(io::key_text(key, row), row);
        std::vector<std::string> missing;
        origins.x.resize(zones.ids.size());
        origins.y.resize(zones.ids.size());
        for (std::size_t z = 0; z < zones.ids.size(); ++z) {
            const auto it = row_of.find(zones.ids[z]);
            if (it == row_of.end() || !std::isfinite(x[it->second])) {
                missing.push_back(zones.ids[z]);
                continue;
            }
            origins.x[z] = x[it->second];
            origins.y[z] = y[it->second];
        }
        if (!missing.empty())
            throw InputError(role + ": '" + spec.centroids.string() + "' has no point for " + count_of(missing.size(), "zone") +
                             " (column '" + spec.centroids_key + "'): " + list_some(missing) +
                             "; expected a centroid for every zone");
        origins.method = "population-weighted centroids from '" + spec.centroids.filename().string() + "'";
    } else {
        geography::points_on_surface(zones.layer->wkb, origins.x, origins.y, config.threads, state.control);
        origins.method = "a point inside each zone (GEOS point on surface)";
    }
    state.origins = std::move(origins);
    return *state.origins;
}

}  // namespace furthest::run_detail
