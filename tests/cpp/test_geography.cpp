#include "core/parallel.hpp"
#include "fixtures.hpp"
#include "furthest/crosswalk.hpp"
#include "furthest/errors.hpp"
#include "geography/repair.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <thread>

using namespace furthest;
using fixtures::wkbs;

namespace {

// Two 10x10 target squares side by side; sources: one inside the left, one straddling 30/70,
// one half outside both (a gap), one wholly outside.
const auto kTargets = wkbs({"POLYGON((0 0,10 0,10 10,0 10,0 0))", "POLYGON((10 0,20 0,20 10,10 10,10 0))"});
const auto kSources = wkbs({"POLYGON((1 1,4 1,4 4,1 4,1 1))", "POLYGON((7 0,17 0,17 10,7 10,7 0))",
                            "POLYGON((15 5,25 5,25 10,15 10,15 5))", "POLYGON((30 30,31 30,31 31,30 31,30 30))"});

}  // namespace

TEST(Overlay, SharesAreAreaFractions) {
    const Crosswalk w = overlay_crosswalk(kSources, kTargets, 1);
    ASSERT_EQ(w.sources(), 4);
    ASSERT_EQ(w.targets(), 2);
    EXPECT_DOUBLE_EQ(w.weights().coeff(0, 0), 1.0);
    EXPECT_DOUBLE_EQ(w.weights().coeff(0, 1), 0.0);
    EXPECT_NEAR(w.weights().coeff(1, 0), 0.3, 1e-12);
    EXPECT_NEAR(w.weights().coeff(1, 1), 0.7, 1e-12);
    EXPECT_NEAR(w.weights().coeff(2, 1), 0.5, 1e-12);
    const Eigen::VectorXd gap = w.uncovered();
    EXPECT_NEAR(gap(0), 0.0, 1e-12);
    EXPECT_NEAR(gap(1), 0.0, 1e-12);
    EXPECT_NEAR(gap(2), 0.5, 1e-12);
    EXPECT_NEAR(gap(3), 1.0, 1e-12);
    const auto main = w.main_target();
    EXPECT_EQ(main, (std::vector<Eigen::Index>{0, 1, 1, -1}));
}

TEST(Overlay, HolesAndMultipolygonsCount) {
    // A target with a hole: a source filling the hole is outside it.
    const auto targets = wkbs({"POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))",
                               "MULTIPOLYGON(((20 0,30 0,30 10,20 10,20 0)),((40 0,50 0,50 10,40 10,40 0)))"});
    const auto sources = wkbs({"POLYGON((4 4,6 4,6 6,4 6,4 4))", "POLYGON((0 0,10 0,10 10,0 10,0 0))",
                               "MULTIPOLYGON(((25 0,30 0,30 10,25 10,25 0)),((45 0,55 0,55 10,45 10,45 0)))"});
    const Crosswalk w = overlay_crosswalk(sources, targets, 1);
    EXPECT_NEAR(w.uncovered()(0), 1.0, 1e-12);
    EXPECT_NEAR(w.weights().coeff(1, 0), 0.96, 1e-12);  // 100 - 4 of 100
    EXPECT_NEAR(w.weights().coeff(2, 1), 100.0 / 150.0, 1e-12);  // 50 + 50 of 150
}

TEST(Overlay, ExtensiveTotalsAreConservedWhenCovered) {
    const Crosswalk w = overlay_crosswalk(std::vector<std::string>(kSources.begin(), kSources.begin() + 2), kTargets, 1);
    Eigen::VectorXd counts(2);
    counts << 120.0, 1000.0;
    const Eigen::VectorXd moved = w.apply_extensive(counts);
    EXPECT_NEAR(moved.sum(), 1120.0, 1e-9);
    EXPECT_NEAR(moved(0), 120.0 + 300.0, 1e-9);
    // Intensive: weighted by share x source weight.
    Eigen::VectorXd rate(2), people(2);
    rate << 10.0, 20.0;
    people << 1.0, 1.0;
    const Eigen::VectorXd mean = w.apply_intensive(rate, people);
    EXPECT_NEAR(mean(0), (10.0 * 1.0 + 20.0 * 0.3) / 1.3, 1e-12);
    EXPECT_NEAR(mean(1), 20.0, 1e-12);
}

TEST(Overlay, SameAnswerForAnyThreadCount) {
    std::vector<std::string> grid;
    for (int i = 0; i < 40; ++i)
        for (int j = 0; j < 40; ++j) {
            const double x = i * 2.5, y = j * 2.5;
            grid.push_back(fixtures::wkb("POLYGON((" + std::to_string(x) + " " + std::to_string(y) + "," +
                                         std::to_string(x + 2.5) + " " + std::to_string(y) + "," + std::to_string(x + 2.5) + " " +
                                         std::to_string(y + 2.5) + "," + std::to_string(x) + " " + std::to_string(y + 2.5) + "," +
                                         std::to_string(x) + " " + std::to_string(y) + "))"));
        }
    const auto targets = wkbs({"POLYGON((0 0,33 0,47 100,0 100,0 0))", "POLYGON((33 0,100 0,100 100,47 100,33 0))"});
    const Crosswalk one = overlay_crosswalk(grid, targets, 1);
    const Crosswalk two = overlay_crosswalk(grid, targets, 2);
    ASSERT_EQ(one.weights().nonZeros(), two.weights().nonZeros());
    EXPECT_TRUE(one.weights().isApprox(two.weights(), 0.0));
    EXPECT_NEAR(one.apply_extensive(Eigen::VectorXd::Ones(1600)).sum(), 1600.0, 1e-9);
}

TEST(Points, BoundaryPointsGoToTheLowestIndexPolygon) {
    const auto points = wkbs({"POINT(5 5)", "POINT(10 5)", "POINT(15 5)", "POINT(50 50)", "POINT(0 0)"});
    const auto owner = locate_points(points, kTargets, 2);
    EXPECT_EQ(owner, (std::vector<Eigen::Index>{0, 0, 1, -1, 0}));
}

TEST(Repair, BowTieIsRepairedAndReported) {
    std::vector<std::string> polygons = wkbs({"POLYGON((0 0,10 10,10 0,0 10,0 0))", "POLYGON((0 0,1 0,1 1,0 1,0 0))"});
    const auto repairs = geography::repair_polygons(polygons, "zones", {"Z1", "Z2"}, 1);
    ASSERT_EQ(repairs.size(), 1u);
    EXPECT_EQ(repairs[0].index, 0u);
    EXPECT_NE(repairs[0].reason.find("Self-intersection"), std::string::npos) << repairs[0].reason;
    // The repaired bow-tie keeps both triangles: 2 x 25.
    const Crosswalk w = overlay_crosswalk(polygons, wkbs({"POLYGON((-1 -1,11 -1,11 11,-1 11,-1 -1))"}), 1);
    EXPECT_NEAR(w.weights().coeff(0, 0), 1.0, 1e-12);
}

TEST(Repair, ZeroAreaPolygonIsAGeometryError) {
    std::vector<std::string> polygons = wkbs({"POLYGON((0 0,10 0,20 0,0 0))"});
    try {
        geography::repair_polygons(polygons, "zones", {"E01000001"}, 1);
        FAIL() << "expected GeometryError";
    } catch (const GeometryError& e) {
        EXPECT_NE(std::string(e.what()).find("zones feature 1 (E01000001)"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("zero area"), std::string::npos) << e.what();
    }
}

TEST(WeightedPoints, SharesFollowThePeopleNotTheArea) {
    // Source 1 straddles 30/70 by area, but all its weighted points sit in the right target.
    const auto sources = std::vector<std::string>(kSources.begin(), kSources.begin() + 2);
    const auto points = fixtures::wkbs({"POINT(2 2)", "POINT(12 5)", "POINT(15 5)", "POINT(8 5)"});
    Eigen::VectorXd people(4);
    people << 100, 30, 50, 20;
    std::vector<Eigen::Index> fallback;
    const Crosswalk w = weighted_points_overlay(sources, kTargets, points, people, &fallback, 2);
    EXPECT_TRUE(fallback.empty());
    EXPECT_NEAR(w.weights().coeff(0, 0), 1.0, 1e-15);
    EXPECT_NEAR(w.weights().coeff(1, 0), 20.0 / 100.0, 1e-15);
    EXPECT_NEAR(w.weights().coeff(1, 1), 80.0 / 100.0, 1e-15);
    // A source without points falls back to area weights rather than vanishing.
    const Crosswalk fb =
        weighted_points_overlay(sources, kTargets, fixtures::wkbs({"POINT(2 2)"}), Eigen::VectorXd::Ones(1), &fallback, 1);
    EXPECT_EQ(fallback, std::vector<Eigen::Index>{1});
    EXPECT_NEAR(fb.weights().coeff(1, 1), 0.7, 1e-12);
}

TEST(PointsCrosswalk, UnplacedPointsAreUncoveredAndWeightsAverage) {
    const auto points = fixtures::wkbs({"POINT(1 1)", "POINT(2 2)", "POINT(15 5)", "POINT(99 99)"});
    Eigen::VectorXd premises(4);
    premises << 10, 30, 5, 1;
    const Crosswalk w = points_crosswalk(points, kTargets, premises, 1);
    EXPECT_NEAR(w.uncovered()(3), 1.0, 0);
    Eigen::VectorXd gigabit(4);
    gigabit << 1.0, 0.0, 0.5, 1.0;  // share of premises with gigabit at each postcode
    const Eigen::VectorXd share = w.apply_intensive(gigabit);
    EXPECT_NEAR(share(0), 10.0 / 40.0, 1e-15);  // premises-weighted, not a plain mean of 0.5
    EXPECT_NEAR(share(1), 0.5, 1e-15);
    EXPECT_NEAR(w.apply_extensive(premises).sum() + premises(3), premises.sum(), 1e-12);  // the rest is reported as uncovered
}

TEST(Lookup, SplitsAreApportionedAndMergesSummed) {
    // sources: A (unchanged -> 0), B (split -> 1, 2), C and D (merged -> 3)
    const std::vector<LookupPair> pairs = {{0, 0, 'U'}, {1, 1, 'S'}, {1, 2, 'S'}, {2, 3, 'M'}, {3, 3, 'M'}};
    Eigen::VectorXd population(4);
    population << 1500, 600, 1800, 1700;
    const LookupCrosswalk lookup = lookup_crosswalk(4, 4, pairs, population);
    const auto& w = lookup.crosswalk.weights();
    EXPECT_NEAR(w.coeff(1, 1), 0.25, 1e-15);
    EXPECT_NEAR(w.coeff(1, 2), 0.75, 1e-15);
    EXPECT_EQ(lookup.derivation, (std::vector<std::string>{"U", "S", "S", "M"}));
    EXPECT_EQ(lookup.source_count, (std::vector<int>{1, 1, 1, 2}));
    Eigen::VectorXd counts(4);
    counts << 10, 20, 30, 40;
    const Eigen::VectorXd moved = lookup.crosswalk.apply_extensive(counts);
    EXPECT_DOUBLE_EQ(moved.sum(), counts.sum());  // exactly conserved
    EXPECT_DOUBLE_EQ(moved(3), 70.0);
    // Composition: 2011 -> 2021 -> two areas.
    Crosswalk::Matrix to_area(4, 2);
    to_area.insert(0, 0) = 1.0;
    to_area.insert(1, 0) = 1.0;
    to_area.insert(2, 1) = 1.0;
    to_area.insert(3, 1) = 1.0;
    const Crosswalk composed = lookup.crosswalk.then(Crosswalk(to_area, "lookup"));
    EXPECT_NEAR(composed.weights().coeff(1, 0), 0.25, 1e-15);
    EXPECT_NEAR(composed.weights().coeff(1, 1), 0.75, 1e-15);
    EXPECT_DOUBLE_EQ(composed.apply_extensive(counts).sum(), counts.sum());
}

TEST(Categorical, MajorityAndSharesByWeight) {
    const Crosswalk w = overlay_crosswalk(std::vector<std::string>(kSources.begin(), kSources.begin() + 3), kTargets, 1);
    const Eigen::MatrixXd shares = w.class_shares({0, 1, 1}, 2);
    // Target 1 receives 0.7 of source 1 (class 1) and 0.5 of source 2 (class 1): all class 1.
    EXPECT_NEAR(shares(1, 1), 1.0, 1e-12);
    // Target 0 receives 1.0 of source 0 (class 0) and 0.3 of source 1 (class 1).
    EXPECT_NEAR(shares(0, 0), 1.0 / 1.3, 1e-12);
    EXPECT_EQ(Crosswalk::majority(shares), (std::vector<int>{0, 1}));
}

TEST(MemberSites, NearestAndSharedAssignment) {
    const auto zones = fixtures::wkbs({"POINT(0 0)", "POINT(10 0)", "POINT(4 0)"});
    const auto sites = fixtures::wkbs({"POINT(1 0)", "POINT(-1 0)", "POINT(9 0)"});
    const std::vector<Eigen::Index> site_area = {0, 0, 1};
    const Crosswalk nearest = member_site_crosswalk(zones, sites, site_area, 2, MemberAssignment::Nearest, 3, 2);
    EXPECT_EQ(nearest.main_target(), (std::vector<Eigen::Index>{0, 1, 0}));
    EXPECT_NEAR(nearest.uncovered().sum(), 0.0, 1e-15);
    const Crosswalk shared = member_site_crosswalk(zones, sites, site_area, 2, MemberAssignment::Shared, 2, 1);
    // Zone 2 is 3 from area 0 and 5 from area 1: shares 1/9 : 1/25.
    const double a = 1.0 / 9.0, b = 1.0 / 25.0;
    EXPECT_NEAR(shared.weights().coeff(2, 0), a / (a + b), 1e-15);
    EXPECT_NEAR(shared.weights().coeff(2, 1), b / (a + b), 1e-15);
}

TEST(Dissolve, UnionOfMembers) {
    const auto squares =
        fixtures::wkbs({"POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 0,2 0,2 1,1 1,1 0))", "POLYGON((5 5,6 5,6 6,5 6,5 5))"});
    const auto merged = dissolve(squares, {0, 0, -1}, 2, 2);
    ASSERT_EQ(merged.size(), 2u);
    EXPECT_TRUE(merged[1].empty());
    const Crosswalk check =
        overlay_crosswalk(fixtures::wkbs({"POLYGON((0 0,2 0,2 1,0 1,0 0))"}), std::vector<std::string>{merged[0]}, 1);
    EXPECT_NEAR(check.weights().coeff(0, 0), 1.0, 1e-12);
}

namespace {

// A star-shaped (often concave) polygon around (cx, cy), optionally with a square hole.
std::string star(std::mt19937_64& rng, double cx, double cy, double radius, int points, bool hole) {
    std::uniform_real_distribution<double> r(0.35 * radius, radius);
    std::string wkt = "POLYGON((";
    std::string first;
    for (int i = 0; i < points; ++i) {
        const double angle = 2 * M_PI * i / points;
        const double d = r(rng);
        const std::string p = std::to_string(cx + d * std::cos(angle)) + " " + std::to_string(cy + d * std::sin(angle));
        if (i == 0) first = p;
        wkt += p + ",";
    }
    wkt += first + ")";
    if (hole) {
        const double h = 0.15 * radius;
        wkt += ",(" + std::to_string(cx - h) + " " + std::to_string(cy - h) + "," + std::to_string(cx - h) + " " +
               std::to_string(cy + h) + "," + std::to_string(cx + h) + " " + std::to_string(cy + h) + "," +
               std::to_string(cx + h) + " " + std::to_string(cy - h) + "," + std::to_string(cx - h) + " " +
               std::to_string(cy - h) + ")";
    }
    return fixtures::wkb(wkt + ")");
}

double geos_share(const std::string& a, const std::string& b) {
    geography::GeosContext ctx;
    auto ga = ctx.from_wkb(a), gb = ctx.from_wkb(b);
    auto i = ctx.own(GEOSIntersection_r(ctx.handle(), ga.get(), gb.get()), "intersection");
    return ctx.area(i.get()) / ctx.area(ga.get());
}

}  // namespace

TEST(Overlay, TrapezoidAreasAgreeWithGeosIntersections) {
    // Random concave polygons with holes, in British National Grid magnitudes.
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> jitter(-600, 600);
    std::vector<std::string> sources, targets;
    for (int i = 0; i < 60; ++i)
        sources.push_back(star(rng, 430000 + jitter(rng), 433000 + jitter(rng), 400, 5 + i % 40, i % 3 == 0));
    for (int i = 0; i < 12; ++i)
        targets.push_back(star(rng, 430000 + jitter(rng), 433000 + jitter(rng), 700, 8 + i * 5, i % 2 == 0));
    const Crosswalk w = overlay_crosswalk(sources, targets, 2);
    int compared = 0;
    for (std::size_t s = 0; s < sources.size(); ++s)
        for (std::size_t t = 0; t < targets.size(); ++t) {
            const double expected = geos_share(sources[s], targets[t]);
            const double ours = w.weights().coeff(static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(t));
            EXPECT_NEAR(ours, expected, 1e-10) << "source " << s << " target " << t;
            compared += expected > 0 ? 1 : 0;
        }
    EXPECT_GT(compared, 100);
}

TEST(Overlay, SharedEdgesAndOrientationNeedNoSpecialCase) {
    // Clockwise shell, counter-clockwise hole (the "wrong" ways round), and a target sharing edges.
    const auto sources = wkbs({"POLYGON((0 0,0 10,10 10,10 0,0 0),(2 2,4 2,4 4,2 4,2 2))"});
    const auto targets =
        wkbs({"POLYGON((0 0,5 0,5 10,0 10,0 0))", "POLYGON((5 0,10 0,10 10,5 10,5 0))", "POLYGON((10 0,20 0,20 10,10 10,10 0))"});
    const Crosswalk w = overlay_crosswalk(sources, targets, 1);
    EXPECT_NEAR(w.weights().coeff(0, 0), 46.0 / 96.0, 1e-14);
    EXPECT_NEAR(w.weights().coeff(0, 1), 50.0 / 96.0, 1e-14);
    EXPECT_EQ(w.weights().coeff(0, 2), 0.0);  // touching along x = 10 only
    EXPECT_NEAR(w.uncovered()(0), 0.0, 1e-14);
}

namespace {

// A 40 x 40 grid of 2.5-unit squares and two targets splitting it along a slanted line.
std::vector<std::string> square_grid() {
    std::vector<std::string> grid;
    for (int i = 0; i < 40; ++i)
        for (int j = 0; j < 40; ++j) {
            const std::string x0 = std::to_string(i * 2.5), y0 = std::to_string(j * 2.5);
            const std::string x1 = std::to_string(i * 2.5 + 2.5), y1 = std::to_string(j * 2.5 + 2.5);
            grid.push_back(fixtures::wkb("POLYGON((" + x0 + " " + y0 + "," + x1 + " " + y0 + "," + x1 + " " + y1 + "," + x0 +
                                         " " + y1 + "," + x0 + " " + y0 + "))"));
        }
    return grid;
}
const auto kSplit = wkbs({"POLYGON((0 0,33 0,47 100,0 100,0 0))", "POLYGON((33 0,100 0,100 100,47 100,33 0))"});

// Same shape, same non-zeros, same bits.
bool identical(const Crosswalk& a, const Crosswalk& b) {
    const auto& x = a.weights();
    const auto& y = b.weights();
    return x.rows() == y.rows() && x.cols() == y.cols() && x.nonZeros() == y.nonZeros() &&
           std::memcmp(x.valuePtr(), y.valuePtr(), sizeof(double) * static_cast<std::size_t>(x.nonZeros())) == 0 &&
           std::memcmp(x.innerIndexPtr(), y.innerIndexPtr(), sizeof(int) * static_cast<std::size_t>(x.nonZeros())) == 0 &&
           std::memcmp(x.outerIndexPtr(), y.outerIndexPtr(), sizeof(int) * static_cast<std::size_t>(x.rows() + 1)) == 0;
}

// Every report, and whether any came from a thread other than the caller's.
struct ProgressLog {
    std::vector<Progress> seen;
    std::atomic<bool> other_thread{false};
    Control control(std::stop_token stop = {}) {
        const auto caller = std::this_thread::get_id();
        return Control{stop, [this, caller](const Progress& p) {
                           if (std::this_thread::get_id() != caller) other_thread = true;
                           seen.push_back(p);
                       }};
    }
    // Per step: every fraction in [0, 1] and never going back, the last one 1.
    void expect_well_formed() const {
        std::map<std::string, double> last;
        for (const auto& p : seen) {
            ASSERT_FALSE(std::isnan(p.fraction)) << p.step;
            EXPECT_GE(p.fraction, 0.0) << p.step;
            EXPECT_LE(p.fraction, 1.0) << p.step;
            if (last.count(p.step)) {
                EXPECT_GE(p.fraction, last[p.step]) << p.step;
            }
            last[p.step] = p.fraction;
        }
        for (const auto& [step, fraction] : last) EXPECT_EQ(fraction, 1.0) << step;
        EXPECT_FALSE(other_thread);
    }
};

}  // namespace

TEST(StopAndProgress, StopRequestedBeforeOverlayThrowsStopped) {
    std::stop_source source;
    source.request_stop();
    for (int threads : {1, 2}) {
        try {
            overlay_crosswalk(square_grid(), kSplit, threads, Control{source.get_token(), {}});
            FAIL() << "expected Stopped";
        } catch (const Stopped& e) {
            EXPECT_NE(std::string(e.what()).find("overlay"), std::string::npos) << e.what();
        }
    }
}

TEST(StopAndProgress, StopRequestedDuringOverlayThrowsStopped) {
    // The stop comes from the progress callback once the sources' loop has begun.
    for (int threads : {1, 2}) {
        std::stop_source source;
        Control control{source.get_token(), [&](const Progress& p) {
                            if (p.step == "overlaying polygons") source.request_stop();
                        }};
        EXPECT_THROW(overlay_crosswalk(square_grid(), kSplit, threads, control), Stopped) << threads << " threads";
    }
}

TEST(StopAndProgress, ChunksStopWithinAChunkOfTheRequest) {
    for (int threads : {1, 2}) {
        std::stop_source source;
        std::atomic<std::size_t> items{0};
        EXPECT_THROW(core::parallel_chunks(
                         100'000, threads,
                         [&](std::size_t begin, std::size_t end) {
                             items += end - begin;
                             if (begin >= 5'000) source.request_stop();
                         },
                         Control{source.get_token(), {}}, "counting"),
                     Stopped);
        // 98 items a chunk: the workers stop within a chunk or two of item 5,000.
        EXPECT_LT(items.load(), 5'000u + 4 * 98u) << threads << " threads";
    }
}

TEST(StopAndProgress, ChunksReportRisingFractionsFromTheCallingThread) {
    for (int threads : {1, 2}) {
        ProgressLog log;
        // 60 items of >= 5 ms: about 0.3 s on one thread, reported about every 0.1 s.
        core::parallel_chunks(
            60, threads, [](std::size_t, std::size_t) { std::this_thread::sleep_for(std::chrono::milliseconds(5)); },
            log.control(), "waiting");
        log.expect_well_formed();
        ASSERT_GE(log.seen.size(), threads == 1 ? 3u : 2u);
        EXPECT_EQ(log.seen.front().fraction, 0.0);
        if (threads == 1) {
            EXPECT_TRUE(std::any_of(log.seen.begin(), log.seen.end(),
                                    [](const Progress& p) { return p.fraction > 0.0 && p.fraction < 1.0; }));
        }
    }
}

TEST(StopAndProgress, LowestFailingChunkIsReportedForAnyThreadCount) {
    for (int threads : {1, 2}) {
        try {
            core::parallel_chunks(
                10'000, threads,
                [](std::size_t begin, std::size_t end) {
                    for (std::size_t i = begin; i < end; ++i)
                        if (i == 7'000 || i == 3'001) throw GeometryError("item " + std::to_string(i));
                },
                Control{}, "failing");
            FAIL() << "expected GeometryError";
        } catch (const GeometryError& e) {
            EXPECT_STREQ(e.what(), "item 3001") << threads << " threads";
        }
    }
}

TEST(StopAndProgress, GeometryWithAControlIsBitForBitTheSame) {
    const auto grid = square_grid();
    const Crosswalk reference = overlay_crosswalk(grid, kSplit, 1);
    std::vector<std::string> bowties;
    for (int i = 0; i < 50; ++i) {
        const std::string x0 = std::to_string(i * 20), x1 = std::to_string(i * 20 + 10);
        bowties.push_back(fixtures::wkb("POLYGON((" + x0 + " 0," + x1 + " 10," + x1 + " 0," + x0 + " 10," + x0 + " 0))"));
    }
    std::vector<std::string> repaired_reference = bowties;
    const auto repairs_reference = geography::repair_polygons(repaired_reference, "zones", {}, 1);
    std::vector<Eigen::Index> group(grid.size());
    for (std::size_t i = 0; i < grid.size(); ++i) group[i] = static_cast<Eigen::Index>(i % 7);
    const auto dissolved_reference = dissolve(grid, group, 7, 1);
    const auto centres_reference = centroids(grid, 1);
    const auto owners_reference = locate_points(centres_reference, kSplit, 1);
    for (int threads : {1, 2}) {
        ProgressLog log;
        const Control control = log.control();
        EXPECT_TRUE(identical(overlay_crosswalk(grid, kSplit, threads, control), reference)) << threads << " threads";
        std::vector<std::string> repaired = bowties;
        const auto repairs = geography::repair_polygons(repaired, "zones", {}, threads, control);
        EXPECT_EQ(repaired, repaired_reference);
        EXPECT_EQ(repairs.size(), repairs_reference.size());
        EXPECT_EQ(dissolve(grid, group, 7, threads, control), dissolved_reference);
        const auto centres = centroids(grid, threads, control);
        EXPECT_EQ(centres, centres_reference);
        EXPECT_EQ(locate_points(centres, kSplit, threads, control), owners_reference);
        log.expect_well_formed();
        for (const char* step : {"overlaying polygons", "repairing geometry", "dissolving polygons", "finding centroids",
                                 "locating points in polygons"})
            EXPECT_TRUE(std::any_of(log.seen.begin(), log.seen.end(), [&](const Progress& p) { return p.step == step; })) << step;
    }
}
