/// @brief Plain, library-neutral tables and layers: typed columns plus WKB geometries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace furthest {

/// A typed column. Missing values: NaN in real columns, `valid[i] == false` otherwise
/// (an empty `valid` means every value is present).
struct Column {
    using Reals = std::vector<double>;
    using Integers = std::vector<std::int64_t>;
    using Texts = std::vector<std::string>;

    std::string name;
    std::variant<Reals, Integers, Texts> values;
    std::vector<bool> valid;

    std::size_t size() const;
    bool is_valid(std::size_t row) const;

    static Column reals(std::string name, Reals v);
    static Column integers(std::string name, Integers v, std::vector<bool> valid = {});
    static Column texts(std::string name, Texts v, std::vector<bool> valid = {});
};

/// Rows of typed columns, with optional geometries as ISO WKB in one CRS.
/// A table without geometry has an empty `wkb`.
struct Layer {
    std::string name;
    std::vector<Column> columns;
    std::vector<std::string> wkb;  ///< one WKB blob per row, or empty for a plain table
    std::string crs_wkt;           ///< WKT2 of the geometries' CRS (empty for a plain table)
    std::string source_crs;        ///< the CRS the file declared ("EPSG:4326"), for messages; empty if none

    std::size_t rows() const;
    bool has_geometry() const { return !wkb.empty(); }
    const Column* find(std::string_view column_name) const;
    const Column& at(std::string_view column_name) const;  ///< throws std::out_of_range
};

}  // namespace furthest
