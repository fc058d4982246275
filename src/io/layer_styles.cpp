// QML and SLD text of a categorised map style. The QML follows what QGIS 3.28 writes for a
// categorizedSymbol renderer (symbol layers as <Option type="Map">, which QGIS reads since 3.10
// and writes since 3.28); the SLD is OGC Symbology Encoding 1.1, the flavour QGIS exports.
#include "io/layer_styles.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace furthest::io {
namespace {

std::string xml_escaped(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

// "#a50026" -> "165,0,38,255", QGIS's colour text.
std::string qgis_colour(const std::string& hex) {
    const auto channel = [&](std::size_t at) { return std::strtol(hex.substr(at, 2).c_str(), nullptr, 16); };
    return std::to_string(channel(1)) + "," + std::to_string(channel(3)) + "," + std::to_string(channel(5)) + ",255";
}

std::string millimetres(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// Thin white outlines keep neighbouring zones of one class apart; markers get a dark edge so a
// pale wave colour still shows on a pale map.
constexpr const char* kFillOutline = "#ffffff";
constexpr const char* kMarkerOutline = "#232323";

void option(std::ostringstream& out, const char* indent, const std::string& name, const std::string& value) {
    out << indent << "<Option type=\"QString\" name=\"" << name << "\" value=\"" << xml_escaped(value) << "\"/>\n";
}

void qml_symbol(std::ostringstream& out, const MapStyle& style, const StyleCategory& category, const std::string& name,
                const char* indent) {
    const std::string in(indent);
    out << in << "<symbol type=\"" << (style.points ? "marker" : "fill") << "\" name=\"" << name
        << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n";
    out << in << "  <layer class=\"" << (style.points ? "SimpleMarker" : "SimpleFill")
        << "\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
    out << in << "    <Option type=\"Map\">\n";
    const std::string options = in + "      ";
    option(out, options.c_str(), "color", qgis_colour(category.colour));
    if (style.points) {
        option(out, options.c_str(), "name", category.shape);
        option(out, options.c_str(), "outline_color", qgis_colour(kMarkerOutline));
        option(out, options.c_str(), "outline_style", "solid");
        option(out, options.c_str(), "outline_width", "0.2");
        option(out, options.c_str(), "outline_width_unit", "MM");
        option(out, options.c_str(), "scale_method", "diameter");
        option(out, options.c_str(), "size", millimetres(category.size));
        option(out, options.c_str(), "size_unit", "MM");
    } else {
        option(out, options.c_str(), "outline_color", qgis_colour(kFillOutline));
        option(out, options.c_str(), "outline_style", "solid");
        option(out, options.c_str(), "outline_width", "0.1");
        option(out, options.c_str(), "outline_width_unit", "MM");
        option(out, options.c_str(), "style", "solid");
    }
    out << in << "    </Option>\n";
    out << in << "  </layer>\n";
    out << in << "</symbol>\n";
}

// SLD points are sized in pixels at 90 dpi (the OGC's 0.28 mm pixel).
std::string sld_pixels(double mm) { return millimetres(mm / 0.28); }

}  // namespace

std::string style_qml(const MapStyle& style) {
    std::ostringstream out;
    out << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
    out << "<qgis version=\"3.28.0-Firenze\" styleCategories=\"Symbology\">\n";
    out << "  <renderer-v2 type=\"categorizedSymbol\" attr=\"" << xml_escaped(style.attribute)
        << "\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\" referencescale=\"-1\">\n";
    out << "    <categories>\n";
    for (std::size_t i = 0; i < style.categories.size(); ++i) {
        const StyleCategory& category = style.categories[i];
        out << "      <category symbol=\"" << i << "\" value=\"" << xml_escaped(category.value) << "\" type=\""
            << (style.integer_values ? "long" : "string") << "\" label=\"" << xml_escaped(category.label)
            << "\" render=\"true\"/>\n";
    }
    out << "    </categories>\n";
    out << "    <symbols>\n";
    for (std::size_t i = 0; i < style.categories.size(); ++i)
        qml_symbol(out, style, style.categories[i], std::to_string(i), "      ");
    out << "    </symbols>\n";
    if (!style.categories.empty()) {
        out << "    <source-symbol>\n";
        qml_symbol(out, style, style.categories.front(), "0", "      ");
        out << "    </source-symbol>\n";
    }
    out << "    <rotation/>\n";
    out << "    <sizescale/>\n";
    out << "  </renderer-v2>\n";
    // QGIS's geometry types: 0 point, 2 polygon.
    out << "  <layerGeometryType>" << (style.points ? 0 : 2) << "</layerGeometryType>\n";
    out << "</qgis>\n";
    return out.str();
}

std::string style_sld(const MapStyle& style) {
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" "
           "xmlns:se=\"http://www.opengis.net/se\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.1.0\" "
           "xsi:schemaLocation=\"http://www.opengis.net/sld "
           "http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n";
    out << "  <NamedLayer>\n";
    out << "    <se:Name>" << xml_escaped(style.table) << "</se:Name>\n";
    out << "    <UserStyle>\n";
    out << "      <se:Name>" << xml_escaped(style.name) << "</se:Name>\n";
    out << "      <se:FeatureTypeStyle>\n";
    for (const StyleCategory& category : style.categories) {
        out << "        <se:Rule>\n";
        out << "          <se:Name>" << xml_escaped(category.label) << "</se:Name>\n";
        out << "          <se:Description>\n";
        out << "            <se:Title>" << xml_escaped(category.label) << "</se:Title>\n";
        out << "          </se:Description>\n";
        out << "          <ogc:Filter>\n";
        const bool both = category.filter.size() > 1;
        if (both) out << "            <ogc:And>\n";
        for (const auto& [column, value] : category.filter) {
            const char* indent = both ? "              " : "            ";
            out << indent << "<ogc:PropertyIsEqualTo>\n";
            out << indent << "  <ogc:PropertyName>" << xml_escaped(column) << "</ogc:PropertyName>\n";
            out << indent << "  <ogc:Literal>" << xml_escaped(value) << "</ogc:Literal>\n";
            out << indent << "</ogc:PropertyIsEqualTo>\n";
        }
        if (both) out << "            </ogc:And>\n";
        out << "          </ogc:Filter>\n";
        if (style.points) {
            out << "          <se:PointSymbolizer>\n";
            out << "            <se:Graphic>\n";
            out << "              <se:Mark>\n";
            out << "                <se:WellKnownName>" << category.shape << "</se:WellKnownName>\n";
            out << "                <se:Fill>\n";
            out << "                  <se:SvgParameter name=\"fill\">" << category.colour << "</se:SvgParameter>\n";
            out << "                </se:Fill>\n";
            out << "                <se:Stroke>\n";
            out << "                  <se:SvgParameter name=\"stroke\">" << kMarkerOutline << "</se:SvgParameter>\n";
            out << "                  <se:SvgParameter name=\"stroke-width\">1</se:SvgParameter>\n";
            out << "                </se:Stroke>\n";
            out << "              </se:Mark>\n";
            out << "              <se:Size>" << sld_pixels(category.size) << "</se:Size>\n";
            out << "            </se:Graphic>\n";
            out << "          </se:PointSymbolizer>\n";
        } else {
            out << "          <se:PolygonSymbolizer>\n";
            out << "            <se:Fill>\n";
            out << "              <se:SvgParameter name=\"fill\">" << category.colour << "</se:SvgParameter>\n";
            out << "            </se:Fill>\n";
            out << "            <se:Stroke>\n";
            out << "              <se:SvgParameter name=\"stroke\">" << kFillOutline << "</se:SvgParameter>\n";
            out << "              <se:SvgParameter name=\"stroke-width\">0.5</se:SvgParameter>\n";
            out << "            </se:Stroke>\n";
            out << "          </se:PolygonSymbolizer>\n";
        }
        out << "        </se:Rule>\n";
    }
    out << "      </se:FeatureTypeStyle>\n";
    out << "    </UserStyle>\n";
    out << "  </NamedLayer>\n";
    out << "</StyledLayerDescriptor>\n";
    return out.str();
}

}  // namespace furthest::io
