// Scoring bindings: an indicator matrix in (one NumPy copy into Eigen), every per-zone output and
// the method out as NumPy arrays and plain dicts, one call per scoring, GIL released throughout.
#include "bind_scoring.hpp"

#include "furthest/columns.hpp"
#include "furthest/errors.hpp"
#include "furthest/scoring.hpp"
#include "interruptible.hpp"

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace py = pybind11;

namespace furthest::python {
namespace {

template <typename T>
py::array_t<T> array_of(const std::vector<T>& values) {
    return py::array_t<T>(static_cast<py::ssize_t>(values.size()), values.data());
}

// One column as (name, values, valid): reals as float64, integers as int64 with a bool mask of the
// values present (None when all are), texts as a list of str or None.
py::tuple column_to_python(const Column& c) {
    py::object values;
    py::object valid = py::none();
    if (const auto* reals = std::get_if<Column::Reals>(&c.values)) {
        values = array_of(*reals);
    } else if (const auto* integers = std::get_if<Column::Integers>(&c.values)) {
        values = array_of(*integers);
        if (!c.valid.empty()) {
            py::array_t<bool> mask(static_cast<py::ssize_t>(c.valid.size()));
            auto m = mask.mutable_unchecked<1>();
            for (std::size_t i = 0; i < c.valid.size(); ++i) m(static_cast<py::ssize_t>(i)) = c.valid[i];
            valid = mask;
        }
    } else {
        const auto& texts = std::get<Column::Texts>(c.values);
        py::list list(texts.size());
        for (std::size_t i = 0; i < texts.size(); ++i)
            list[i] = c.is_valid(i) ? py::object(py::str(texts[i])) : py::object(py::none());
        values = list;
    }
    return py::make_tuple(c.name, values, valid);
}

// The columns of furthest.score(): the shared scoring columns, then the details analysts get in Python.
py::list frame_columns(const ScoringResult& r) {
    std::vector<Column> all = score_columns(r);
    const auto zones = static_cast<std::size_t>(r.score.size());
    auto reals = [&](std::string name, const Eigen::VectorXd& v) {
        all.push_back(Column::reals(std::move(name), Column::Reals(v.data(), v.data() + v.size())));
    };
    if (r.rank_in_area.size() == zones && zones > 0) {
        // The area index of each zone (-1: none); Python puts the caller's labels in its place.
        std::vector<std::int64_t> area(zones, -1);
        std::vector<bool> valid(zones, false);
        all.push_back(Column::integers(std::string(columns::area), std::move(area), std::move(valid)));
        std::vector<bool> ranked(zones);
        for (std::size_t z = 0; z < zones; ++z)
            ranked[z] = !std::isnan(r.score(static_cast<Eigen::Index>(z))) && r.area_reference_rank[z] > 0;
        all.push_back(Column::integers(std::string(columns::score_within_area_rank), r.area_reference_rank, std::move(ranked)));
    }
    for (std::size_t j = 0; j < r.indicators.size(); ++j)
        reals(std::string(columns::normalised_prefix) + r.indicators[j], r.normalised.col(static_cast<Eigen::Index>(j)));
    if (r.domains != r.indicators)
        for (std::size_t d = 0; d < r.domains.size(); ++d)
            reals(std::string(columns::domain_prefix) + r.domains[d], r.domain_scores.col(static_cast<Eigen::Index>(d)));
    if (std::any_of(r.missing_count.begin(), r.missing_count.end(), [](std::int64_t m) { return m != 0; }))
        all.push_back(Column::integers(std::string(columns::missing_count), r.missing_count));
    py::list out;
    for (const auto& c : all) out.append(column_to_python(c));
    return out;
}

py::dict result_to_python(const ScoringResult& r) {
    py::dict out;
    out["columns"] = frame_columns(r);
    out["indicators"] = r.indicators;
    out["domains"] = r.domains;
    out["indicator_domain"] = array_of(r.indicator_domain);
    out["score"] = r.score;
    out["rank"] = array_of(r.rank);
    out["decile"] = array_of(r.decile);
    out["quintile"] = array_of(r.quintile);
    out["rank_in_area"] = array_of(r.rank_in_area);
    out["zones_in_area"] = array_of(r.zones_in_area);
    out["national_rank"] = array_of(r.national_rank);
    out["national_decile"] = array_of(r.national_decile);
    out["area_reference_score"] = r.area_reference_score;
    out["area_reference_rank"] = array_of(r.area_reference_rank);
    out["normalised"] = r.normalised;
    out["domain_scores"] = r.domain_scores;
    out["contributions"] = r.contributions;
    out["map_class"] = array_of(r.map_class);
    out["class_breaks"] = r.class_breaks;
    out["indicator_weights"] = r.indicator_weights;
    out["domain_weights"] = r.domain_weights;
    out["effective_weights"] = r.effective_weights;
    out["indicator_weights_given"] = r.indicator_weights_given;
    out["domain_weights_given"] = r.domain_weights_given;
    py::list pca;
    for (const auto& p : r.pca) {
        py::dict d;
        d["level"] = p.level;
        d["variables"] = p.variables;
        d["eigenvalues"] = p.eigenvalues;
        d["explained"] = p.explained;
        d["loadings"] = p.loadings;
        d["components"] = p.components;
        d["weights"] = p.weights;
        d["rows"] = p.rows;
        pca.append(d);
    }
    out["pca"] = pca;
    out["correlation"] = r.correlation;
    py::list stats;
    for (const auto& s : r.stats) {
        py::dict d;
        d["indicator"] = s.name;
        d["missing"] = s.missing;
        d["mean"] = s.mean;
        d["sd"] = s.sd;
        d["min"] = s.min;
        d["max"] = s.max;
        d["skewness"] = s.skewness;
        d["kurtosis"] = s.kurtosis;
        stats.append(d);
    }
    out["stats"] = stats;
    py::list winsorised;
    for (const auto& w : r.winsorised) {
        py::dict d;
        d["indicator"] = w.indicator;
        d["low"] = w.low;
        d["high"] = w.high;
        d["clipped_low"] = w.clipped_low;
        d["clipped_high"] = w.clipped_high;
        winsorised.append(d);
    }
    out["winsorised"] = winsorised;
    py::list imputed;
    for (const auto& m : r.imputed) {
        py::dict d;
        d["indicator"] = m.indicator;
        d["method"] = m.method;
        d["zones"] = array_of(m.zones);
        d["values"] = array_of(m.values);
        imputed.append(d);
    }
    out["imputed"] = imputed;
    out["dropped_zones"] = array_of(r.dropped_zones);
    out["missing_count"] = array_of(r.missing_count);
    out["warnings"] = r.warnings;
    py::dict u;
    const auto& q = r.uncertainty;
    u["draws"] = q.draws;
    if (q.draws > 0) {
        u["median_rank"] = q.median_rank;
        u["p05_rank"] = q.p05_rank;
        u["p95_rank"] = q.p95_rank;
        u["mean_rank"] = q.mean_rank;
        u["p_top_decile"] = q.p_top_decile;
        u["p_top_n_in_area"] = q.p_top_n_in_area;
        u["factors"] = q.factors;
        u["factor_shift"] = q.factor_shift;
        u["most_influential"] = array_of(q.most_influential);
        u["most_influential_shift"] = array_of(q.most_influential_shift);
        if (q.kept_ranks.size() != 0) u["kept_ranks"] = q.kept_ranks;
    }
    out["uncertainty"] = u;
    out["method_summary"] = r.method_summary;
    out["method_json"] = scoring_method_json(r);
    return out;
}

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

py::dict score_python(const py::array_t<double, py::array::c_style | py::array::forcecast>& values, const py::object& spec,
                      const py::object& area, const py::object& zone_ids, const py::object& standard_errors,
                      std::optional<std::int64_t> draws, std::optional<std::uint64_t> seed, std::optional<int> threads,
                      std::optional<bool> keep_draws, const py::object& progress) {
    // furthest.score() hands its spec dict over as JSON text (furthest/_config_json.py).
    if (!py::isinstance<py::str>(spec)) throw ConfigError("scoring spec must be JSON text (furthest.score takes a dict)");
    ScoringSpec parsed = parse_scoring_spec_json(spec.cast<std::string>(), "<dict>");
    if (draws) parsed.uncertainty.draws = *draws;
    if (seed) parsed.uncertainty.seed = *seed;
    if (threads) parsed.uncertainty.threads = *threads;
    if (keep_draws) parsed.uncertainty.keep_draws = *keep_draws;
    if (values.ndim() != 2) throw InputError("scoring: values must be a 2-D array (zones x indicators)");
    ScoringInput input;
    // One copy from NumPy's row-major layout into Eigen's column-major matrix.
    input.values = Eigen::Map<const RowMajor>(values.data(), values.shape(0), values.shape(1));
    if (!area.is_none()) input.area = area.cast<std::vector<std::int64_t>>();
    if (!zone_ids.is_none()) input.zone_ids = zone_ids.cast<std::vector<std::string>>();
    if (!standard_errors.is_none()) {
        const auto se = standard_errors.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
        if (se.ndim() != 2) throw InputError("scoring: standard errors must be a 2-D array (zones x indicators)");
        input.standard_errors = Eigen::Map<const RowMajor>(se.data(), se.shape(0), se.shape(1));
    }
    // The scoring runs on a worker thread with the GIL released; Ctrl-C stops it within about a second.
    const ScoringResult result =
        call_interruptibly<ScoringResult>([&](const Control& control) { return score_zones(input, parsed, control); }, progress);
    return result_to_python(result);
}

}  // namespace

void bind_scoring(py::module_& m) {
    m.def("score", &score_python, py::arg("values"), py::arg("spec"), py::kw_only(), py::arg("area") = py::none(),
          py::arg("zone_ids") = py::none(), py::arg("standard_errors") = py::none(), py::arg("draws") = py::none(),
          py::arg("seed") = py::none(), py::arg("threads") = py::none(), py::arg("keep_draws") = py::none(),
          py::arg("progress") = py::none(),
          "Score zones (rows of `values`, indicators in spec order) with a [scoring]-shaped dict spec. "
          "Copies the matrix once into the engine; the GIL is released during the scoring and Monte Carlo, and "
          "Ctrl-C stops it (KeyboardInterrupt). `progress`: None or a callable (step, fraction). "
          "Returns a dict of NumPy arrays and reports; 'columns' lists (name, values, valid) in output order.");
    m.attr("SCORING_AREA_COLUMN") = std::string(columns::area);
    m.def(
        "scoring_columns",
        [] {
            py::list out;
            for (const auto& c : columns::scoring_columns())
                out.append(py::make_tuple(std::string(c.name), std::string(c.meaning)));
            return out;
        },
        "The scoring's column vocabulary: (name, meaning) in output order; a name ending in '_' is a prefix.");
    m.def(
        "support_columns",
        [] {
            py::list out;
            for (const auto& c : columns::support_columns())
                out.append(py::make_tuple(std::string(c.name), std::string(c.meaning)));
            return out;
        },
        "The support columns' vocabulary (people, access, gap, hot spots): (name, meaning) in output order.");
    m.def(
        "class_breaks",
        [](const py::array_t<double, py::array::c_style | py::array::forcecast>& values, const std::string& method, int k,
           const std::vector<double>& breaks) {
            ClassSpec spec;
            spec.k = k;
            spec.breaks = breaks;
            if (method == "quantiles") spec.method = ClassMethod::Quantiles;
            else if (method == "equal_interval") spec.method = ClassMethod::EqualInterval;
            else if (method == "fisher_jenks") spec.method = ClassMethod::FisherJenks;
            else if (method == "user") spec.method = ClassMethod::UserBreaks;
            else throw ConfigError("classes method '" + method + "': expected quantiles, equal_interval, fisher_jenks or user");
            std::span<const double> view(values.data(), static_cast<std::size_t>(values.size()));
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = class_breaks(view, spec);
            }
            return out;
        },
        py::arg("values"), py::arg("method") = "fisher_jenks", py::arg("k") = 5, py::arg("breaks") = std::vector<double>{},
        "Upper bounds of map classes (mapclassify conventions); Fisher-Jenks is exact.");
}

}  // namespace furthest::python
