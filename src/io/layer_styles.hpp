// Map styles as QGIS reads them from a GeoPackage: the `layer_styles` table (the convention QGIS,
// and GDAL's QGIS-aware tools, share), one row per style with its QML and a matching SLD. The run
// says which layer is classed by what, in which colours (run/map_styles.cpp); this file only
// writes that down in the two formats.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace furthest::io {

/// One class of a categorised style.
struct StyleCategory {
    std::string value;   ///< what the style's attribute (or expression) evaluates to, as text
    std::string label;   ///< the legend's words
    std::string colour;  ///< "#rrggbb"
    /// SLD: the features of this class, as (column, value) pairs that must all hold.
    std::vector<std::pair<std::string, std::string>> filter;
    std::string shape = "circle";  ///< markers: QGIS/SLD well-known name ("square", "star", "circle")
    double size = 2.0;             ///< markers: millimetres
};

/// A categorised style of one layer: its polygons filled, or its points marked, by class.
struct MapStyle {
    std::string table;                       ///< the GeoPackage layer it styles
    std::string geometry_column = "geometry";
    std::string name;                        ///< styleName (QGIS lists a layer's styles by it)
    std::string description;
    bool is_default = false;                 ///< QGIS applies a layer's default style on opening it
    bool points = false;                     ///< markers instead of fills
    std::string attribute;                   ///< a column name, or a QGIS expression when `expression`
    bool expression = false;
    bool integer_values = false;             ///< the attribute holds whole numbers (categories typed so)
    std::vector<StyleCategory> categories;
};

/// QGIS QML of `style`: a categorizedSymbol renderer on the attribute.
std::string style_qml(const MapStyle& style);
/// OGC SLD 1.1 (Symbology Encoding) of `style`: one rule per category.
std::string style_sld(const MapStyle& style);

}  // namespace furthest::io
