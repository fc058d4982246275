/// @brief Raster cells in polygons: exact cell-coverage fractions, raster crosswalks and zonal statistics.
///
/// Everything here works on plain data (WKB polygons, a Grid, values in a std::vector) and
/// never opens a file; GeoTIFFs are read by io::read_raster_band (furthest/io.hpp).
///
/// How a pipeline step calls this (the pattern bindings/python/bind_zonal.cpp follows):
/// @code
///   // 1. zones.wkb are in the working CRS (zones.crs_wkt); find the raster's grid and CRS.
///   const io::RasterRequest request{"coverage", path, band_number, allow_network};
///   const Grid full = io::read_raster_grid(request);
///   // 2. polygons into the raster's CRS (a no-op copy when the CRSs are the same).
///   const auto wkb = io::reproject_geometries(zones.wkb, zones.crs_wkt, full.crs_wkt, "zones");
///   // 3. read only the cells under the polygons, then measure.
///   const RasterBand band = io::read_raster_band(request, polygon_bounds(wkb));
///   ZonalOptions options;
///   options.statistics = {ZonalStatistic::Mean, ZonalStatistic::FracAbove};
///   options.threshold = 1.0;          // e.g. "share of the zone with outdoor 4G"
///   options.threads = config.threads;
///   const ZonalTable table = zonal_statistics(wkb, band, options);
///   // table.column(ZonalStatistic::Mean) is one value per zone, NaN where no valid cell.
/// @endcode
/// For a crosswalk (cells x zones) use raster_crosswalk(wkb, band.grid, &weight_band) and
/// move per-cell values with Crosswalk::apply_extensive / apply_intensive.
#pragma once

#include "furthest/control.hpp"
#include "furthest/crosswalk.hpp"

#include <Eigen/Core>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace furthest {

/// An axis-aligned rectangle in map units.
struct Bounds {
    double x_min = 0.0;
    double y_min = 0.0;
    double x_max = 0.0;
    double y_max = 0.0;
    /// True when the rectangle encloses nothing (no polygon, or only empty ones).
    bool empty() const { return !(x_max >= x_min && y_max >= y_min); }
};

/// A north-up raster grid, or a window of one. Cell (row, col) of the grid spans
/// x in [x_min + (col0 + col) * cell_width, x_min + (col0 + col + 1) * cell_width] and
/// y in [y_max - (row0 + row + 1) * cell_height, y_max - (row0 + row) * cell_height]; row 0 is the
/// northern edge. A window keeps the whole raster's origin (x_min, y_max) and says where it starts
/// (row0, col0), so a window and the whole raster put cell lines at the same coordinates to the
/// last bit, and coverage fractions do not depend on how much of the raster was read.
struct Grid {
    double x_min = 0.0;        ///< west edge of the raster's column 0
    double y_max = 0.0;        ///< north edge of the raster's row 0
    double cell_width = 1.0;   ///< > 0, map units
    double cell_height = 1.0;  ///< > 0, map units (a GeoTIFF's geotransform[5] is -cell_height)
    Eigen::Index rows = 0;     ///< rows of this grid (of the window, for a window)
    Eigen::Index cols = 0;     ///< columns of this grid (of the window, for a window)
    Eigen::Index row0 = 0;     ///< raster row of this grid's row 0 (0 unless a window)
    Eigen::Index col0 = 0;     ///< raster column of this grid's column 0 (0 unless a window)
    std::string crs_wkt;       ///< the grid's CRS as WKT; empty when unknown

    /// Number of cells, rows * cols.
    Eigen::Index cells() const { return rows * cols; }
    /// Row-major index of a cell of this grid: the source index in raster_crosswalk and in RasterBand::values.
    Eigen::Index cell_index(Eigen::Index row, Eigen::Index col) const { return row * cols + col; }
    /// West edge of this grid's first column.
    double west() const { return x_min + static_cast<double>(col0) * cell_width; }
    /// North edge of this grid's first row.
    double north() const { return y_max - static_cast<double>(row0) * cell_height; }
    /// Same raster origin, cell size, window and shape (to 1e-9 of a cell); the CRS is not compared.
    bool same_cells(const Grid& other) const;
};

/// One band of a raster: values row-major on `grid`, and the value that marks a missing cell.
/// NaN is always missing, whatever `nodata` says.
struct RasterBand {
    Grid grid;
    std::vector<double> values;   ///< grid.cells() values, row 0 first
    std::optional<double> nodata;

    /// The value at a row-major cell index.
    double value(Eigen::Index cell) const { return values[static_cast<std::size_t>(cell)]; }
    /// False for NoData and NaN cells.
    bool is_valid(Eigen::Index cell) const;
};

/// The cells a polygon covers: a window of the grid and, for each cell in it, the exact share
/// of the cell's area inside the polygon (0..1). Cells outside the grid are never included.
struct CellCoverage {
    Eigen::Index row0 = 0;  ///< first grid row of the window
    Eigen::Index col0 = 0;  ///< first grid column of the window
    Eigen::Index rows = 0;
    Eigen::Index cols = 0;
    std::vector<double> fraction;  ///< rows * cols, row-major within the window

    /// Coverage of window cell (i, j), i.e. grid cell (row0 + i, col0 + j).
    double at(Eigen::Index i, Eigen::Index j) const { return fraction[static_cast<std::size_t>(i * cols + j)]; }
    /// True when the polygon covers no cell of the grid.
    bool empty() const { return rows == 0 || cols == 0; }
};

/// Envelope of polygon WKBs (Polygon, MultiPolygon, or a GeometryCollection of them).
Bounds polygon_bounds(std::span<const std::string> polygon_wkb);

/// Exact share of each grid cell's area covered by a (multi)polygon with holes, as exactextract
/// computes it: every ring's edges are walked through the cells they cross and the area on the
/// polygon's side is accumulated per cell (signed trapezoids, summed along each row), so cells
/// that no edge crosses come out exactly 0 or 1. Coordinates must be in the grid's CRS.
/// Throws GeometryError for WKB that is not polygonal or is truncated.
CellCoverage coverage_fractions(const std::string& polygon_wkb, const Grid& grid);

/// Cells into polygons: sources are the grid's cells (index row * cols + col), targets the
/// polygons; W(cell, polygon) = covered share of the cell x weight(cell) when `weight` is given
/// (a band on the same cells; NoData weights give no entry). Parallel over polygons; the result
/// is identical for any `threads` (0 = all cores).
Crosswalk raster_crosswalk(std::span<const std::string> polygon_wkb, const Grid& grid, const RasterBand* weight = nullptr,
                           int threads = 0, const Control& control = {});

/// Population-weighted overlay from a weight raster (e.g. a population grid), people spread
/// evenly within each cell:
///   W(s, t) = sum_c w_c cov(c, s ∩ t) / sum_c w_c cov(c, s)
/// with cov the exact covered share of cell c. `area_shares` (an area-weighted crosswalk of the
/// same sources and targets, built by the caller in a projected CRS) says which pairs meet: a
/// source wholly inside one target keeps share 1, and sources on cells without weight fall back
/// to their area shares (listed in `area_fallback`). Polygons in the band's CRS.
Crosswalk raster_weighted_overlay(std::span<const std::string> source_wkb, std::span<const std::string> target_wkb,
                                  const RasterBand& weight, const Crosswalk& area_shares,
                                  std::vector<Eigen::Index>* area_fallback = nullptr, int threads = 0,
                                  const Control& control = {});

/// The statistics zonal_statistics computes, named as exactextract names them (plus frac_above).
enum class ZonalStatistic {
    Count,         ///< "count": sum of coverage shares of valid cells
    Sum,           ///< "sum": sum of value x coverage share
    Mean,          ///< "mean": sum / count
    Min,           ///< "min": smallest value among valid cells with any coverage
    Max,           ///< "max": largest value among valid cells with any coverage
    WeightedMean,  ///< "weighted_mean": sum(value x share x weight) / sum(share x weight)
    Majority,      ///< "majority": value covering the largest area (ties: the largest value, as exactextract)
    FracAbove,     ///< "frac_above": share of the covered valid area whose value is >= threshold
};

/// The statistic for a name ("count", "sum", "mean", "min", "max", "weighted_mean", "majority",
/// "frac_above"); ConfigError naming `what` and the known names otherwise.
ZonalStatistic parse_zonal_statistic(const std::string& name, const std::string& what = "zonal statistic");
/// The name parse_zonal_statistic accepts for a statistic.
std::string zonal_statistic_name(ZonalStatistic statistic);

/// How coverage shares enter the statistics. exactextract keeps each cell's share in single
/// precision (its coverage raster is float), so its figures differ from exact ones by ~1e-7
/// relative; Single rounds shares the same way and reproduces exactextract to ~1e-15.
enum class CoveragePrecision { Double, Single };

/// What zonal_statistics computes and with which inputs.
struct ZonalOptions {
    std::vector<ZonalStatistic> statistics;
    /// Required for WeightedMean: a band on the same cells as the values. As in exactextract, a
    /// NoData weight under a valid, covered value makes that polygon's weighted mean NaN.
    const RasterBand* weights = nullptr;
    /// Required for FracAbove: values >= threshold count as "above".
    std::optional<double> threshold;
    CoveragePrecision precision = CoveragePrecision::Double;
    int threads = 0;  ///< 0 = all cores; results do not depend on it
};

/// Zonal statistics: one row per polygon, one column per requested statistic.
struct ZonalTable {
    std::vector<ZonalStatistic> statistics;
    Eigen::MatrixXd values;  ///< polygons x statistics; NaN where undefined (no valid covered cell)

    /// The column of a statistic; ConfigError when it was not requested.
    Eigen::VectorXd column(ZonalStatistic statistic) const;
};

/// Zonal statistics of `band` in each polygon (WKB in the band's CRS), weighting each cell by its
/// exact covered share. NoData and NaN cells are left out, as exactextract does by default; a
/// polygon with no valid covered cell gets count = sum = 0 and NaN elsewhere. Parallel over
/// polygons; identical for any thread count. Throws ConfigError when a statistic lacks its input
/// (weights, threshold), InputError when the weights are on other cells, GeometryError naming the
/// polygon (1-based) when its WKB is not polygonal. Polls `control` (Stopped; progress as
/// "zonal statistics").
ZonalTable zonal_statistics(std::span<const std::string> polygon_wkb, const RasterBand& band, const ZonalOptions& options,
                            const Control& control = {});

}  // namespace furthest
