// Raster cells in polygons: exact coverage fractions checked by hand and against GEOS clipping,
// the cells x polygons crosswalk, zonal statistics, and the GeoTIFF reader.
#include "fixtures.hpp"
#include "furthest/errors.hpp"
#include "furthest/io.hpp"
#include "furthest/zonal.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <sstream>

using namespace furthest;
using fixtures::wkb;

namespace {

Grid unit_grid(Eigen::Index rows, Eigen::Index cols, double x_min = 0.0, double y_max = -1.0) {
    Grid g;
    g.x_min = x_min;
    g.y_max = y_max < 0.0 ? static_cast<double>(rows) : y_max;
    g.rows = rows;
    g.cols = cols;
    return g;
}

// Coverage of grid cell (row, col), 0 outside the polygon's window.
double share(const CellCoverage& c, Eigen::Index row, Eigen::Index col) {
    const Eigen::Index i = row - c.row0, j = col - c.col0;
    if (i < 0 || j < 0 || i >= c.rows || j >= c.cols) return 0.0;
    return c.at(i, j);
}

double total(const CellCoverage& c) {
    double sum = 0.0;
    for (double f : c.fraction) sum += f;
    return sum;
}

// A 60-gon "circle" of radius r around (cx, cy), as WKT ring text; reversed when `clockwise`.
std::string circle_ring(double cx, double cy, double r, int n, bool clockwise) {
    std::ostringstream out;
    out.precision(17);
    out << "(";
    for (int k = 0; k < n; ++k) {
        const double a = 2.0 * std::numbers::pi * (clockwise ? -k : k) / n + 0.1;
        // A wobble in the radius keeps edges from being symmetric about cell lines.
        const double rr = r * (1.0 + 0.15 * std::sin(5.0 * a));
        out << (k ? "," : "") << cx + rr * std::cos(a) << " " << cy + rr * std::sin(a);
    }
    const double rr0 = r * (1.0 + 0.15 * std::sin(0.5));
    out << "," << cx + rr0 * std::cos(0.1) << " " << cy + rr0 * std::sin(0.1);  // closed exactly
    out << ")";
    return out.str();
}

// The exact answer by brute force: GEOS intersection of the polygon with every cell box.
double geos_share(const std::string& polygon_wkb, const Grid& g, Eigen::Index row, Eigen::Index col) {
    geography::GeosContext ctx;
    auto polygon = ctx.from_wkb(polygon_wkb);
    const double x0 = g.x_min + static_cast<double>(col) * g.cell_width;
    const double y1 = g.y_max - static_cast<double>(row) * g.cell_height;
    auto clipped = ctx.own(GEOSClipByRect_r(ctx.handle(), polygon.get(), x0, y1 - g.cell_height, x0 + g.cell_width, y1), "clip");
    return ctx.area(clipped.get()) / (g.cell_width * g.cell_height);
}

RasterBand band_of(const Grid& g, std::vector<double> values, std::optional<double> nodata = std::nullopt) {
    RasterBand b;
    b.grid = g;
    b.values = std::move(values);
    b.nodata = nodata;
    return b;
}

}  // namespace

TEST(Coverage, UnitSquareOffsetByHalfCoversFourQuarterCells) {
    const Grid g = unit_grid(3, 3);
    const CellCoverage c = coverage_fractions(wkb("POLYGON((0.5 0.5,1.5 0.5,1.5 1.5,0.5 1.5,0.5 0.5))"), g);
    // y from 0.5 to 1.5 is rows 1 and 2 (row 0 is the north edge at y = 3).
    EXPECT_EQ(c.row0, 1);
    EXPECT_EQ(c.col0, 0);
    EXPECT_EQ(c.rows, 2);
    EXPECT_EQ(c.cols, 2);
    for (double f : c.fraction) EXPECT_DOUBLE_EQ(f, 0.25);
    EXPECT_EQ(share(c, 0, 0), 0.0);
}

TEST(Coverage, TriangleHalvesTheDiagonalCells) {
    const Grid g = unit_grid(2, 2);
    const CellCoverage c = coverage_fractions(wkb("POLYGON((0 0,2 0,0 2,0 0))"), g);
    EXPECT_DOUBLE_EQ(share(c, 1, 0), 1.0);  // south-west, wholly inside
    EXPECT_DOUBLE_EQ(share(c, 1, 1), 0.5);  // cut by the hypotenuse
    EXPECT_DOUBLE_EQ(share(c, 0, 0), 0.5);
    EXPECT_DOUBLE_EQ(share(c, 0, 1), 0.0);  // touched only at its corner
    EXPECT_NEAR(total(c), 2.0, 1e-12);
}

TEST(Coverage, HoleIsTakenOutWhicheverWayRingsWind) {
    const Grid g = unit_grid(4, 4);
    // Shell counter-clockwise with a clockwise hole, then the reverse windings.
    const auto a = coverage_fractions(wkb("POLYGON((0 0,4 0,4 4,0 4,0 0),(1.5 1.5,1.5 2.5,2.5 2.5,2.5 1.5,1.5 1.5))"), g);
    const auto b = coverage_fractions(wkb("POLYGON((0 0,0 4,4 4,4 0,0 0),(1.5 1.5,2.5 1.5,2.5 2.5,1.5 2.5,1.5 1.5))"), g);
    ASSERT_EQ(a.fraction.size(), 16u);
    EXPECT_EQ(a.fraction, b.fraction);
    for (Eigen::Index r = 0; r < 4; ++r)
        for (Eigen::Index col = 0; col < 4; ++col) {
            const bool centre = (r == 1 || r == 2) && (col == 1 || col == 2);
            EXPECT_DOUBLE_EQ(share(a, r, col), centre ? 0.75 : 1.0) << r << "," << col;
        }
    EXPECT_NEAR(total(a), 15.0, 1e-12);
}

TEST(Coverage, MultipolygonPartsAddUp) {
    const Grid g = unit_grid(4, 4);
    const auto c =
        coverage_fractions(wkb("MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((2.5 2.5,3.5 2.5,3.5 3.5,2.5 3.5,2.5 2.5)))"), g);
    EXPECT_DOUBLE_EQ(share(c, 3, 0), 1.0);
    EXPECT_DOUBLE_EQ(share(c, 0, 2), 0.25);
    EXPECT_DOUBLE_EQ(share(c, 0, 3), 0.25);
    EXPECT_DOUBLE_EQ(share(c, 1, 2), 0.25);
    EXPECT_DOUBLE_EQ(share(c, 1, 3), 0.25);
    EXPECT_DOUBLE_EQ(share(c, 2, 1), 0.0);
    EXPECT_NEAR(total(c), 2.0, 1e-12);
}

TEST(Coverage, CellsOutsideTheGridAreLeftOut) {
    const Grid g = unit_grid(3, 3);
    // Half a cell west and south of the grid: only the quarter in cell (2, 0) is on it.
    const auto c = coverage_fractions(wkb("POLYGON((-0.5 -0.5,0.5 -0.5,0.5 0.5,-0.5 0.5,-0.5 -0.5))"), g);
    EXPECT_EQ(c.rows, 1);
    EXPECT_EQ(c.cols, 1);
    EXPECT_DOUBLE_EQ(share(c, 2, 0), 0.25);
    // A polygon wider than the grid: every cell in the rows it spans is whole.
    const auto wide = coverage_fractions(wkb("POLYGON((-10 1,10 1,10 2,-10 2,-10 1))"), g);
    for (Eigen::Index col = 0; col < 3; ++col) EXPECT_DOUBLE_EQ(share(wide, 1, col), 1.0);
    EXPECT_DOUBLE_EQ(share(wide, 0, 0), 0.0);
    EXPECT_TRUE(coverage_fractions(wkb("POLYGON((5 5,6 5,6 6,5 6,5 5))"), g).empty());
}

TEST(Coverage, MatchesGeosClippingOnAWobblyPolygonWithAHole) {
    // An awkward grid: origin and cell sizes that are not round numbers, cells not square.
    Grid g;
    g.x_min = 0.3;
    g.y_max = 9.1;
    g.cell_width = 0.7;
    g.cell_height = 0.45;
    g.cols = 14;
    g.rows = 20;
    const std::string polygon =
        wkb("POLYGON(" + circle_ring(5.0, 4.6, 3.9, 61, false) + "," + circle_ring(5.3, 4.4, 1.2, 23, false) + ")");
    const auto c = coverage_fractions(polygon, g);
    geography::GeosContext ctx;
    const double area = ctx.area(ctx.from_wkb(polygon).get());
    EXPECT_NEAR(total(c), area / (g.cell_width * g.cell_height), 1e-12);
    int partial = 0;
    for (Eigen::Index r = 0; r < g.rows; ++r)
        for (Eigen::Index col = 0; col < g.cols; ++col) {
            const double expected = geos_share(polygon, g, r, col);
            EXPECT_NEAR(share(c, r, col), expected, 1e-12) << "cell " << r << "," << col;
            partial += expected > 0.0 && expected < 1.0;
        }
    EXPECT_GT(partial, 40);  // the check really exercised cut cells
}

TEST(Coverage, AWindowOfTheGridGivesTheSameBits) {
    // Geographic-style cell sizes are not exact binary fractions: a window keeps the raster's
    // origin so that its cell lines, and so its fractions, are bit for bit those of the whole.
    Grid whole;
    whole.x_min = -1.7123;
    whole.y_max = 53.9;
    whole.cell_width = whole.cell_height = 0.0007;
    whole.rows = 300;
    whole.cols = 400;
    Grid window = whole;
    window.row0 = 101;
    window.col0 = 157;
    window.rows = 80;
    window.cols = 90;
    const std::string polygon = wkb("POLYGON(" + circle_ring(-1.5817, 53.8027, 0.012, 37, false) + ")");
    const auto a = coverage_fractions(polygon, whole);
    const auto b = coverage_fractions(polygon, window);
    ASSERT_FALSE(b.empty());
    ASSERT_GE(b.row0 + window.row0, a.row0);
    for (Eigen::Index i = 0; i < b.rows; ++i)
        for (Eigen::Index j = 0; j < b.cols; ++j)
            ASSERT_EQ(b.at(i, j), share(a, window.row0 + b.row0 + i, window.col0 + b.col0 + j)) << i << "," << j;
    EXPECT_NEAR(total(a), total(b), 1e-9);  // the circle lies inside the window
}

TEST(Coverage, RejectsWhatIsNotAPolygon) {
    const Grid g = unit_grid(2, 2);
    EXPECT_THROW(coverage_fractions(wkb("LINESTRING(0 0,1 1)"), g), GeometryError);
    EXPECT_THROW(coverage_fractions(std::string("\x01\x03\x00", 3), g), GeometryError);
    // A collection nested 100,000 deep is refused, not a stack overflow.
    std::string nested;
    for (int level = 0; level < 100000; ++level) nested.append("\x01\x07\x00\x00\x00\x01\x00\x00\x00", 9);
    EXPECT_THROW(coverage_fractions(nested + wkb("POLYGON((0 0,1 0,1 1,0 0))"), g), GeometryError);
}

TEST(RasterCrosswalk, CellsSplitBetweenPolygonsSumToOne) {
    const Grid g = unit_grid(2, 2);
    // Two polygons splitting the grid along x = 0.75, plus one outside it.
    const std::vector<std::string> polygons = {wkb("POLYGON((0 0,0.75 0,0.75 2,0 2,0 0))"),
                                               wkb("POLYGON((0.75 0,2 0,2 2,0.75 2,0.75 0))"),
                                               wkb("POLYGON((7 7,8 7,8 8,7 8,7 7))")};
    const Crosswalk w = raster_crosswalk(polygons, g, nullptr, 1);
    ASSERT_EQ(w.sources(), 4);
    ASSERT_EQ(w.targets(), 3);
    EXPECT_DOUBLE_EQ(w.weights().coeff(0, 0), 0.75);
    EXPECT_DOUBLE_EQ(w.weights().coeff(0, 1), 0.25);
    EXPECT_DOUBLE_EQ(w.weights().coeff(1, 1), 1.0);
    EXPECT_NEAR(w.uncovered().maxCoeff(), 0.0, 1e-15);
    // A population grid of 10, 20 / 30, 40 moves to the polygons with its total kept.
    Eigen::VectorXd people(4);
    people << 10, 20, 30, 40;
    const Eigen::VectorXd moved = w.apply_extensive(people);
    EXPECT_NEAR(moved(0), 0.75 * 10 + 0.75 * 30, 1e-12);
    EXPECT_NEAR(moved.sum(), 100.0, 1e-12);
    EXPECT_EQ(moved(2), 0.0);
    // With the population as cell weight, W is people per (cell, polygon).
    const RasterBand pop = band_of(g, {10, 20, 30, -1}, -1.0);
    const Crosswalk pw = raster_crosswalk(polygons, g, &pop, 1);
    EXPECT_DOUBLE_EQ(pw.weights().coeff(2, 0), 22.5);
    EXPECT_EQ(pw.weights().coeff(3, 1), 0.0);  // NoData weight: no entry
    EXPECT_EQ(pw.method(), "raster cell coverage x weight");
}

TEST(RasterCrosswalk, SameForAnyThreadCount) {
    Grid g = unit_grid(40, 40);
    std::vector<std::string> polygons;
    for (int k = 0; k < 12; ++k)
        polygons.push_back(wkb("POLYGON(" + circle_ring(3.0 + 3.0 * k, 5.0 + 2.5 * k, 2.0 + 0.3 * k, 40, k % 2) + ")"));
    const Crosswalk one = raster_crosswalk(polygons, g, nullptr, 1);
    const Crosswalk two = raster_crosswalk(polygons, g, nullptr, 2);
    ASSERT_EQ(one.weights().nonZeros(), two.weights().nonZeros());
    EXPECT_EQ(Eigen::MatrixXd(one.weights()), Eigen::MatrixXd(two.weights()));
}

TEST(ZonalStatistics, HandCheckedOnThreeByThree) {
    // Values 1..9 row by row from the north; cell (1, 1) = 5 is NoData.
    const Grid g = unit_grid(3, 3);
    const RasterBand band = band_of(g, {1, 2, 3, 4, -9, 6, 7, 8, 9}, -9.0);
    const RasterBand weights = band_of(g, {1, 1, 1, 2, 2, 2, 3, 3, 3});
    // Square from (0.5, 0.5) to (2.5, 2.5): quarter corners, half edges, the whole centre.
    const std::vector<std::string> polygons = {wkb("POLYGON((0.5 0.5,2.5 0.5,2.5 2.5,0.5 2.5,0.5 0.5))"),
                                               wkb("POLYGON((10 10,11 10,11 11,10 11,10 10))")};
    ZonalOptions options;
    options.statistics = {ZonalStatistic::Count,    ZonalStatistic::Sum,      ZonalStatistic::Mean,
                          ZonalStatistic::Min,      ZonalStatistic::Max,      ZonalStatistic::WeightedMean,
                          ZonalStatistic::Majority, ZonalStatistic::FracAbove};
    options.weights = &weights;
    options.threshold = 6.0;
    options.threads = 1;
    const ZonalTable t = zonal_statistics(polygons, band, options);
    // Corners 1, 3, 7, 9 at 0.25; edges 2, 4, 6, 8 at 0.5; the NoData centre left out.
    const double count = 4 * 0.25 + 4 * 0.5;
    const double sum = 0.25 * (1 + 3 + 7 + 9) + 0.5 * (2 + 4 + 6 + 8);
    EXPECT_DOUBLE_EQ(t.values(0, 0), count);
    EXPECT_DOUBLE_EQ(t.values(0, 1), sum);
    EXPECT_DOUBLE_EQ(t.values(0, 2), sum / count);
    EXPECT_EQ(t.values(0, 3), 1.0);
    EXPECT_EQ(t.values(0, 4), 9.0);
    const double wsum = 0.25 * (1 + 3) * 1 + 0.5 * 2 * 1 + 0.5 * (4 + 6) * 2 + 0.25 * (7 + 9) * 3 + 0.5 * 8 * 3;
    const double wcount = 0.25 * 2 * 1 + 0.5 * 1 + 0.5 * 2 * 2 + 0.25 * 2 * 3 + 0.5 * 3;
    EXPECT_DOUBLE_EQ(t.values(0, 5), wsum / wcount);
    EXPECT_EQ(t.values(0, 6), 8.0);  // four values tie at 0.5; the largest wins, as in exactextract
    // Values >= 6: 6 and 8 at 0.5, 7 and 9 at 0.25, of a covered valid area of 3 cells.
    EXPECT_DOUBLE_EQ(t.values(0, 7), (0.5 + 0.25 + 0.5 + 0.25) / count);
    // Off the raster: nothing counted, nothing defined.
    EXPECT_EQ(t.values(1, 0), 0.0);
    EXPECT_EQ(t.values(1, 1), 0.0);
    for (int k = 2; k < 8; ++k) EXPECT_TRUE(std::isnan(t.values(1, k))) << k;
    EXPECT_EQ(t.column(ZonalStatistic::Max)(0), 9.0);
}

TEST(ZonalStatistics, SameForAnyThreadCountAndSinglePrecisionIsClose) {
    const Grid g = unit_grid(50, 60);
    std::vector<double> values(static_cast<std::size_t>(g.cells()));
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = std::fmod(static_cast<double>(i) * 7.31, 13.0);
    const RasterBand band = band_of(g, values);
    std::vector<std::string> polygons;
    for (int k = 0; k < 9; ++k)
        polygons.push_back(wkb("POLYGON(" + circle_ring(6.0 + 5.5 * k, 8.0 + 4.0 * k, 3.0 + 0.7 * k, 50, false) + ")"));
    ZonalOptions options;
    options.statistics = {ZonalStatistic::Count, ZonalStatistic::Mean, ZonalStatistic::Majority, ZonalStatistic::Max};
    options.threads = 1;
    const ZonalTable one = zonal_statistics(polygons, band, options);
    options.threads = 2;
    const ZonalTable two = zonal_statistics(polygons, band, options);
    EXPECT_EQ(one.values, two.values);
    options.precision = CoveragePrecision::Single;
    const ZonalTable single = zonal_statistics(polygons, band, options);
    for (Eigen::Index p = 0; p < one.values.rows(); ++p)
        EXPECT_NEAR(single.values(p, 0), one.values(p, 0), 1e-6 * one.values(p, 0));
}

TEST(ZonalStatistics, MissingInputsAreConfigErrors) {
    const Grid g = unit_grid(1, 1);
    const RasterBand band = band_of(g, {1.0});
    const std::vector<std::string> polygons = {wkb("POLYGON((0 0,1 0,1 1,0 1,0 0))")};
    ZonalOptions options;
    options.statistics = {ZonalStatistic::WeightedMean};
    EXPECT_THROW(zonal_statistics(polygons, band, options), ConfigError);
    options.statistics = {ZonalStatistic::FracAbove};
    EXPECT_THROW(zonal_statistics(polygons, band, options), ConfigError);
    EXPECT_THROW(parse_zonal_statistic("median"), ConfigError);
    EXPECT_EQ(parse_zonal_statistic("weighted_mean"), ZonalStatistic::WeightedMean);
    EXPECT_EQ(zonal_statistic_name(ZonalStatistic::FracAbove), "frac_above");
}

TEST(ZonalStatistics, ABadPolygonIsNamed) {
    const Grid g = unit_grid(1, 1);
    const RasterBand band = band_of(g, {1.0});
    const std::vector<std::string> polygons = {wkb("POLYGON((0 0,1 0,1 1,0 1,0 0))"), wkb("POINT(0 0)")};
    ZonalOptions options;
    options.statistics = {ZonalStatistic::Count};
    try {
        zonal_statistics(polygons, band, options);
        FAIL() << "expected GeometryError";
    } catch (const GeometryError& e) {
        EXPECT_NE(std::string(e.what()).find("polygon 2"), std::string::npos) << e.what();
    }
}

namespace {

// A small GeoTIFF written with GDAL: rows x cols, value = 10 * row + col, EPSG:27700.
std::filesystem::path write_tiff(const std::filesystem::path& path, const std::array<double, 6>& transform,
                                 std::optional<double> nodata = std::nullopt) {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 4, 3, 1, GDT_Float32, nullptr));
    std::array<double, 6> t = transform;
    ds->SetGeoTransform(t.data());
    OGRSpatialReference srs;
    srs.importFromEPSG(27700);
    ds->SetSpatialRef(&srs);
    std::vector<float> values(12);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c) values[static_cast<std::size_t>(r * 4 + c)] = static_cast<float>(10 * r + c);
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (nodata) band->SetNoDataValue(*nodata);
    EXPECT_EQ(band->RasterIO(GF_Write, 0, 0, 4, 3, values.data(), 4, 3, GDT_Float32, 0, 0), CE_None);
    return path;
}

}  // namespace

TEST(RasterReader, ReadsGridValuesAndWindows) {
    const auto dir = fixtures::scratch("zonal-reader");
    const auto path = write_tiff(dir / "r.tif", {400000.0, 50.0, 0.0, 430000.0, 0.0, -50.0}, 12.0);
    const io::RasterRequest request{"coverage", path, 1, false};
    const Grid grid = io::read_raster_grid(request);
    EXPECT_EQ(grid.rows, 3);
    EXPECT_EQ(grid.cols, 4);
    EXPECT_EQ(grid.x_min, 400000.0);
    EXPECT_EQ(grid.cell_height, 50.0);
    EXPECT_NE(grid.crs_wkt.find("27700"), std::string::npos);
    const RasterBand all = io::read_raster_band(request);
    ASSERT_EQ(all.values.size(), 12u);
    EXPECT_EQ(all.values[6], 12.0);
    EXPECT_FALSE(all.is_valid(6));  // 12 is the NoData value
    EXPECT_TRUE(all.is_valid(5));
    // A window around cell (2, 3) reads it with one cell of margin: rows 1-2, columns 2-3.
    const RasterBand part = io::read_raster_band(request, Bounds{400160.0, 429860.0, 400170.0, 429870.0});
    EXPECT_EQ(part.grid.rows, 2);
    EXPECT_EQ(part.grid.cols, 2);
    EXPECT_EQ(part.grid.x_min, 400000.0);  // the raster's origin, kept
    EXPECT_EQ(part.grid.col0, 2);
    EXPECT_EQ(part.grid.row0, 1);
    EXPECT_EQ(part.grid.west(), 400100.0);
    EXPECT_EQ(part.grid.north(), 429950.0);
    EXPECT_EQ(part.values.back(), 23.0);
}

TEST(RasterReader, RefusesRotatedRastersAndMissingBands) {
    const auto dir = fixtures::scratch("zonal-reader-bad");
    const auto rotated = write_tiff(dir / "rotated.tif", {400000.0, 50.0, 5.0, 430000.0, 5.0, -50.0});
    try {
        io::read_raster_grid({"coverage", rotated, 1, false});
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("rotated"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("rotated.tif"), std::string::npos) << e.what();
    }
    const auto plain = write_tiff(dir / "plain.tif", {400000.0, 50.0, 0.0, 430000.0, 0.0, -50.0});
    EXPECT_THROW(io::read_raster_grid({"coverage", plain, 2, false}), InputError);
    EXPECT_THROW(io::read_raster_grid({"coverage", dir / "missing.tif", 1, false}), InputError);
}

TEST(RasterReader, ReprojectsPolygonsOnlyWhenTheCrsDiffers) {
    OGRSpatialReference bng, wgs84;
    bng.importFromEPSG(27700);
    wgs84.importFromEPSG(4326);
    auto wkt = [](const OGRSpatialReference& s) {
        char* text = nullptr;
        s.exportToWkt(&text);
        std::string out = text;
        CPLFree(text);
        return out;
    };
    const std::vector<std::string> polygons = {wkb("POLYGON((430000 433000,431000 433000,431000 434000,430000 433000))")};
    EXPECT_EQ(io::reproject_geometries(polygons, wkt(bng), wkt(bng), "zones"), polygons);
    const auto degrees = io::reproject_geometries(polygons, wkt(bng), wkt(wgs84), "zones");
    const Bounds b = polygon_bounds(degrees);
    // Leeds: longitude first (GIS order), about 1.5 W, 53.8 N.
    EXPECT_NEAR(b.x_min, -1.55, 0.05);
    EXPECT_NEAR(b.y_min, 53.8, 0.05);
    const auto back = io::reproject_geometries(degrees, wkt(wgs84), wkt(bng), "zones");
    const Bounds r = polygon_bounds(back);
    // The inverse of the 7-parameter Helmert step is approximate: a round trip lands within a mm.
    EXPECT_NEAR(r.x_min, 430000.0, 5e-3);
    EXPECT_NEAR(r.y_max, 434000.0, 5e-3);
    EXPECT_THROW(io::reproject_geometries(polygons, "", wkt(bng), "zones"), InputError);
}
