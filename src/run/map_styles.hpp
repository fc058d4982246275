// The run's map styles: which output layer is classed by what, in which colours. The colours are
// the project's one palette, shared with the Python maps (furthest.maps draws the same classes in
// the same colours), so a planner sees the same map in QGIS and in a report.
#pragma once

#include "furthest/table.hpp"
#include "io/layer_styles.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace furthest::run_detail {

namespace palette {

/// Need decile 1 (most need) .. 10 (least need): ColorBrewer RdYlBu, red = most need.
inline constexpr std::array<std::string_view, 10> need_decile = {"#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090",
                                                                 "#e0f3f8", "#abd9e9", "#74add1", "#4575b4", "#313695"};

/// The need-support gap classes (access stage's gap_class) and their colours: reds where need
/// outruns support, greys where need is low.
struct GapClass {
    std::string_view label;
    std::string_view colour;
};
inline constexpr std::array<GapClass, 9> gap_class = {{{"high need, low support", "#b30000"},
                                                       {"high need, medium support", "#e34a33"},
                                                       {"high need, high support", "#fdbb84"},
                                                       {"medium need, low support", "#fc8d59"},
                                                       {"medium need, medium support", "#fdd49e"},
                                                       {"medium need, high support", "#fef0d9"},
                                                       {"low need, low support", "#d9d9d9"},
                                                       {"low need, medium support", "#bdbdbd"},
                                                       {"low need, high support", "#969696"}}};

/// Rollout waves: 0 = done (the pilot), then purples from the first wave, paler as waves go on.
inline constexpr std::array<std::string_view, 6> wave = {"#bdbdbd", "#54278f", "#756bb1", "#9e9ac8", "#cbc9e2", "#f2f0f7"};

/// Hub sites: existing hubs black squares, new hubs stars in their wave's colour, candidates not
/// chosen small grey circles.
inline constexpr std::string_view existing_hub = "#000000";
inline constexpr std::string_view candidate_site = "#969696";

/// The colour of wave `w` (5 and later share the palest).
std::string_view wave_colour(std::int64_t w);

}  // namespace palette

/// The styles of the layers in `tables` (the output catalogue, in order): zones by need decile
/// (default) and by gap class, rollout by zone wave (default) and area wave, area_waves by area
/// wave, sites by hub status and wave. Layers the run did not make, or made without the column a
/// style classes by, get none.
std::vector<io::MapStyle> map_styles(const std::vector<const Layer*>& tables);

}  // namespace furthest::run_detail
