// Zonal statistics over exact cell coverage, with exactextract's definitions (its RasterStats):
// each valid cell counts with its covered share c_i, so count = sum c_i, sum = sum x_i c_i,
// mean = sum / count, weighted mean = sum x_i c_i w_i / sum c_i w_i; min, max and the majority
// look at every valid cell with c_i > 0.
#include "furthest/errors.hpp"
#include "furthest/zonal.hpp"
#include "geography/raster_coverage.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace furthest {
namespace {

constexpr std::array<std::pair<ZonalStatistic, const char*>, 8> kNames = {{
    {ZonalStatistic::Count, "count"},
    {ZonalStatistic::Sum, "sum"},
    {ZonalStatistic::Mean, "mean"},
    {ZonalStatistic::Min, "min"},
    {ZonalStatistic::Max, "max"},
    {ZonalStatistic::WeightedMean, "weighted_mean"},
    {ZonalStatistic::Majority, "majority"},
    {ZonalStatistic::FracAbove, "frac_above"},
}};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Covered share per distinct value, summed in cell order (as exactextract's histogram is).
// Open addressing on the value's bits: rasters of classes repeat a few values, continuous ones
// repeat none, and neither should pay a node allocation or a sort per cell.
class ValueShares {
public:
    void add(double value, double share) {
        if (value == 0.0) value = 0.0;  // -0 and +0 are one value
        if (2 * (used_ + 1) > slots_.size()) grow();
        Slot& slot = find(value);
        if (!slot.used) {
            slot = {value, 0.0, true};
            ++used_;
        }
        slot.share += share;
    }
    // exactextract's mode: the value with the largest total share; on a tie, the larger value.
    double majority() const {
        double best_value = kNaN, best_share = -1.0;
        for (const Slot& s : slots_) {
            if (!s.used) continue;
            if (s.share > best_share || (s.share == best_share && s.value > best_value)) {
                best_share = s.share;
                best_value = s.value;
            }
        }
        return best_value;
    }

private:
    struct Slot {
        double value = 0.0;
        double share = 0.0;
        bool used = false;
    };
    Slot& find(double value) {
        const std::size_t mask = slots_.size() - 1;
        // Fibonacci hashing of the bit pattern spreads integer-valued doubles well.
        std::size_t i = static_cast<std::size_t>((std::bit_cast<std::uint64_t>(value) * 0x9E3779B97F4A7C15ull) >> 20) & mask;
        while (slots_[i].used && slots_[i].value != value) i = (i + 1) & mask;
        return slots_[i];
    }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 16 : 2 * old.size(), Slot{});
        for (const Slot& s : old)
            if (s.used) find(s.value) = s;
    }
    std::vector<Slot> slots_;
    std::size_t used_ = 0;
};

// Running sums for one polygon.
struct Accumulator {
    double count = 0.0;
    double sum = 0.0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double weighted_count = 0.0;
    double weighted_sum = 0.0;
    double above = 0.0;
    ValueShares shares;  // for the majority
};

}  // namespace

ZonalStatistic parse_zonal_statistic(const std::string& name, const std::string& what) {
    for (const auto& [statistic, text] : kNames)
        if (name == text) return statistic;
    std::string known;
    for (const auto& [statistic, text] : kNames) known += (known.empty() ? "" : ", ") + std::string(text);
    throw ConfigError(what + ": unknown statistic '" + name + "'; expected one of " + known);
}

std::string zonal_statistic_name(ZonalStatistic statistic) {
    for (const auto& [s, text] : kNames)
        if (s == statistic) return text;
    return "unknown";
}

Eigen::VectorXd ZonalTable::column(ZonalStatistic statistic) const {
    for (std::size_t k = 0; k < statistics.size(); ++k)
        if (statistics[k] == statistic) return values.col(static_cast<Eigen::Index>(k));
    throw ConfigError("zonal statistic '" + zonal_statistic_name(statistic) + "' was not computed");
}

ZonalTable zonal_statistics(std::span<const std::string> polygon_wkb, const RasterBand& band, const ZonalOptions& options,
                            const Control& control) {
    const Grid& grid = band.grid;
    if (static_cast<Eigen::Index>(band.values.size()) != grid.cells())
        throw InputError("raster band holds " + std::to_string(band.values.size()) + " values for " + std::to_string(grid.rows) +
                         " x " + std::to_string(grid.cols) + " cells");
    const auto wants = [&](ZonalStatistic s) {
        return std::find(options.statistics.begin(), options.statistics.end(), s) != options.statistics.end();
    };
    const bool weighted = wants(ZonalStatistic::WeightedMean);
    const bool majority = wants(ZonalStatistic::Majority);
    const bool above = wants(ZonalStatistic::FracAbove);
    if (weighted && options.weights == nullptr)
        throw ConfigError("zonal statistic 'weighted_mean' needs a weight raster; none was given");
    if (weighted && !options.weights->grid.same_cells(grid))
        throw InputError(
            "the weight raster is not on the same cells as the value raster (origin, cell size and "
            "size must match); resample it onto the value raster's grid first");
    if (weighted && static_cast<Eigen::Index>(options.weights->values.size()) != grid.cells())
        throw InputError("the weight raster holds " + std::to_string(options.weights->values.size()) + " values for " +
                         std::to_string(grid.cells()) + " cells");
    if (above && !options.threshold) throw ConfigError("zonal statistic 'frac_above' needs a threshold; none was given");
    if (above && !std::isfinite(*options.threshold))
        throw ConfigError("zonal statistic 'frac_above': threshold must be a finite number");
    const double threshold = above ? *options.threshold : 0.0;
    const bool single = options.precision == CoveragePrecision::Single;
    const RasterBand* weights = weighted ? options.weights : nullptr;

    ZonalTable table;
    table.statistics = options.statistics;
    table.values = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(polygon_wkb.size()),
                                             static_cast<Eigen::Index>(options.statistics.size()), kNaN);
    geography::for_each_polygon(
        polygon_wkb.size(), options.threads,
        [&](std::size_t p, geography::CoverageWorkspace& ws) {
            const CellCoverage& cov = ws.cover(polygon_wkb[p], grid);
            Accumulator acc;
            for (Eigen::Index i = 0; i < cov.rows; ++i) {
                for (Eigen::Index j = 0; j < cov.cols; ++j) {
                    double share = cov.at(i, j);
                    if (single) share = static_cast<double>(static_cast<float>(share));
                    if (!(share > 0.0)) continue;
                    const Eigen::Index cell = grid.cell_index(cov.row0 + i, cov.col0 + j);
                    if (!band.is_valid(cell)) continue;
                    const double x = band.value(cell);
                    acc.count += share;
                    acc.sum += x * share;
                    acc.min = std::min(acc.min, x);
                    acc.max = std::max(acc.max, x);
                    if (weights != nullptr) {
                    // A NoData weight poisons the weighted mean, as in exactextract.
                        const double w = weights->is_valid(cell) ? weights->value(cell) : kNaN;
                        acc.weighted_count += share * w;
                        acc.weighted_sum += x * share * w;
                    }
                    if (majority) acc.shares.add(x, share);
                    if (above && x >= threshold) acc.above += share;
                }
            }
            const bool any = acc.count > 0.0;
            const auto row = static_cast<Eigen::Index>(p);
            for (std::size_t k = 0; k < options.statistics.size(); ++k) {
                double v = kNaN;
                switch (options.statistics[k]) {
                    case ZonalStatistic::Count: v = acc.count; break;
                    case ZonalStatistic::Sum: v = acc.sum; break;
                    case ZonalStatistic::Mean: v = any ? acc.sum / acc.count : kNaN; break;
                    case ZonalStatistic::Min: v = any ? acc.min : kNaN; break;
                    case ZonalStatistic::Max: v = any ? acc.max : kNaN; break;
                    case ZonalStatistic::WeightedMean:
                        v = acc.weighted_count != 0.0 ? acc.weighted_sum / acc.weighted_count : kNaN;
                        break;
                    case ZonalStatistic::Majority: v = acc.shares.majority(); break;
                    case ZonalStatistic::FracAbove: v = any ? acc.above / acc.count : kNaN; break;
                }
                table.values(row, static_cast<Eigen::Index>(k)) = v;
            }
        },
        control, "zonal statistics");
    return table;
}

}  // namespace furthest
