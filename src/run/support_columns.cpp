// The support columns' meanings: one vocabulary for the run's layers, furthest.COLUMNS and the README.
#include "furthest/columns.hpp"

#include <array>

namespace furthest::columns {

std::span<const ColumnInfo> support_columns() {
    static constexpr std::array<ColumnInfo, 27> kColumns = {{
        {population, "People living in the zone ([population]); in the areas layer, the people of its zones by their shares."},
        {nearest_partner_m, "Straight-line metres from the zone's origin to the nearest partner, however far."},
        {nearest_partner_cost, "With a travel-cost table: the smallest cost from the zone to any partner it lists."},
        {nearest_prefix, "nearest_<type>_m (or _cost): the same, to the nearest partner of one type (e.g. nearest_library_m)."},
        {partners_within,
         "Partners within the [access] catchment of the zone's origin (a partner exactly at the catchment counts)."},
        {capacity_within, "The [access] capacity (e.g. Digital Champions) of the partners within the catchment, summed."},
        {access_gravity, "Gravity access: capacity within the catchment weighted by the distance decay, with no competition."},
        {access_2sfca_per_1000,
         "Two-step floating catchment (2SFCA, E2SFCA with a decay): capacity per 1,000 people the zone can reach."},
        {access_bfca_per_1000,
         "Balanced floating catchment (BFCA): capacity per 1,000 people, each person and unit of capacity counted "
         "once (areas layer: the area's supply_bfca per 1,000 of its people)."},
        {supply_bfca,
         "BFCA: the share of partners' capacity allocated to the zone; sums to an area's, and to all capacity reached."},
        {gap_score,
         "Need percentile minus support percentile among the run's zones, from -1 to 1: higher = need outruns support."},
        {gap_class, "Terciles of need and of support, e.g. 'high need, low support' (the zones to serve first)."},
        {hotspot_gi_z, "Local Getis-Ord Gi* of the hot-spot variable as a z-score against its permutations (high = hot)."},
        {hotspot_gi_p, "Two-sided pseudo p-value of Gi* from conditional permutations (before the correction)."},
        {hotspot,
         "'hot spot', 'cold spot' or 'not significant' after the correction ([hotspots] correction); 'no neighbours', 'no value'."},
        {hotspot_moran_i, "Local Moran's I of the hot-spot variable."},
        {hotspot_moran_p, "Two-sided pseudo p-value of local Moran's I (before the correction)."},
        {hotspot_cluster,
         "Local Moran cluster after the correction: 'high-high', 'low-low', 'high-low', 'low-high', 'not significant'."},
        {partners_table, "Partners layer: the [[partners]] table the partner came from (its name)."},
        {partner_type, "Partners layer: the partner's type, from the table's type or type column."},
        {people_within, "Partners layer: people in the zones whose origin lies within the partner's catchment."},
        {demand_2sfca, "Partners layer: 2SFCA demand on the partner, people within reach weighted by the decay."},
        {supply_per_1000_2sfca, "Partners layer: 2SFCA ratio of the partner's capacity per 1,000 people of that demand."},
        {people_served_bfca, "Partners layer: BFCA people allocated to the partner, each person counted once over all partners."},
        {score_mean_weighted, "Areas layer: the mean need score of the area's zones weighted by their people."},
        {people_top_decile, "Areas layer: people living in zones of need decile 1."},
        {people_high_need_low_support, "Areas layer: people living in zones classed 'high need, low support'."},
    }};
    return kColumns;
}

}  // namespace furthest::columns
