"""Every mistake a caller makes with the public Python API raises a furthest.Error: a wrong value
an InputError/ConfigError/GeometryError (also ValueError), a wrong type an ArgumentTypeError (also
TypeError); never a bare KeyError, ValueError, IndexError or RuntimeError from pandas, NumPy or
pybind11, never a crash. The table below walks every public function with wrong types and values;
a hypothesis test throws arbitrary values at the keywords."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

import furthest

BNG = "EPSG:27700"


def zones() -> gpd.GeoDataFrame:
    cells = [box(430000 + i * 1000, 433000 + j * 1000, 431000 + i * 1000, 434000 + j * 1000) for j in range(4) for i in range(4)]
    rng = np.random.default_rng(1)
    return gpd.GeoDataFrame(
        {"code": [f"Z{k:02d}" for k in range(16)], "imd": rng.normal(size=16), "people": rng.integers(500, 2000, 16)},
        geometry=cells,
        crs=BNG,
    ).set_index("code", drop=False)


Z = zones()
DF = pd.DataFrame(Z.drop(columns="geometry"))
W = furthest.spatial.weights(Z, "queen")
REACH = furthest.access.interaction(
    Z.centroid.to_frame("geometry").set_geometry("geometry"), Z.centroid.to_frame("geometry").set_geometry("geometry"), 3000
)
GOOD_SPEC = {"indicators": [{"name": "imd"}]}

TYPE = furthest.ArgumentTypeError
VALUE = (furthest.InputError, furthest.ConfigError, furthest.GeometryError)

# (id, call, expected class or classes)
CASES: list[tuple[str, Callable[[], Any], Any]] = [
    # score
    ("score indicators is a string", lambda: furthest.score(DF, {"indicators": "x"}), TYPE),
    ("score indicators is a dict", lambda: furthest.score(DF, {"indicators": {"name": "imd"}}), TYPE),
    ("score indicator is a string", lambda: furthest.score(DF, {"indicators": ["imd"]}), TYPE),
    ("score spec is a number", lambda: furthest.score(DF, 3), TYPE),
    ("score df is a list", lambda: furthest.score([1, 2], GOOD_SPEC), TYPE),
    ("score unknown column", lambda: furthest.score(DF, {"indicators": [{"name": "nope"}]}), VALUE),
    ("score unknown key", lambda: furthest.score(DF, {**GOOD_SPEC, "normalize": "z_score"}), VALUE),
    ("score bad normalise", lambda: furthest.score(DF, {**GOOD_SPEC, "normalise": "zz"}), VALUE),
    ("score draws too many", lambda: furthest.score(DF, GOOD_SPEC, draws=10**9), VALUE),
    ("score draws negative", lambda: furthest.score(DF, GOOD_SPEC, draws=-1), VALUE),
    ("score draws a float", lambda: furthest.score(DF, GOOD_SPEC, draws=1.5), TYPE),
    ("score classes k too many", lambda: furthest.score(DF, {**GOOD_SPEC, "classes": {"k": 10**6}}), VALUE),
    ("score classes k text", lambda: furthest.score(DF, {**GOOD_SPEC, "classes": {"k": "five"}}), VALUE),
    ("score weight text", lambda: furthest.score(DF, {"indicators": [{"name": "imd", "weight": "heavy"}]}), VALUE),
    ("score areas wrong length", lambda: furthest.score(DF, GOOD_SPEC, areas=[1, 2]), VALUE),
    ("score areas unknown column", lambda: furthest.score(DF, GOOD_SPEC, areas="ward"), VALUE),
    ("score progress not callable", lambda: furthest.score(DF, GOOD_SPEC, progress=3), TYPE),
    ("method_summary of a list", lambda: furthest.method_summary([1]), TYPE),
    ("method_summary of a plain frame", lambda: furthest.method_summary(DF), VALUE),
    # run, validate, output_tables
    ("run a number", lambda: furthest.run(42), (TYPE, furthest.ConfigError)),
    ("run a missing file", lambda: furthest.run("/nonexistent/run.toml"), VALUE),
    ("run an empty dict", lambda: furthest.run({}), VALUE),
    ("run zones is a list", lambda: furthest.run({"zones": [1, 2]}), VALUE),
    ("validate a list", lambda: furthest.validate([1]), (TYPE, furthest.ConfigError)),
    ("output_tables a dict without zones", lambda: furthest.output_tables({"output": {"path": "x.gpkg"}}), VALUE),
    ("normalise_postcode a number", lambda: furthest.normalise_postcode(12), TYPE),
    # Crosswalk
    ("overlay a list", lambda: furthest.Crosswalk.overlay([1], Z), TYPE),
    ("overlay a missing file", lambda: furthest.Crosswalk.overlay("/nonexistent.gpkg", Z), VALUE),
    ("overlay unknown source_id", lambda: furthest.Crosswalk.overlay(Z, Z, source_id="nope"), VALUE),
    (
        "overlay unknown weight",
        lambda: furthest.Crosswalk.overlay(Z, Z, weights=Z.set_geometry(Z.centroid), weight="nope"),
        VALUE,
    ),
    ("overlay threads text", lambda: furthest.Crosswalk.overlay(Z, Z, threads="many"), TYPE),
    ("overlay threads negative", lambda: furthest.Crosswalk.overlay(Z, Z, threads=-2), VALUE),
    ("overlay no CRS", lambda: furthest.Crosswalk.overlay(Z.set_crs(None, allow_override=True), Z), VALUE),
    ("overlay geographic working crs", lambda: furthest.Crosswalk.overlay(Z, Z, crs="EPSG:4326"), VALUE),
    ("points unknown weight", lambda: furthest.Crosswalk.points(Z.set_geometry(Z.centroid), Z, weight="nope"), VALUE),
    ("lookup missing column", lambda: furthest.Crosswalk.lookup(pd.DataFrame({"a": [1]}), "a", "b"), VALUE),
    ("lookup a number", lambda: furthest.Crosswalk.lookup(3, "a", "b"), (TYPE, furthest.InputError)),
    (
        "member_sites bad assign",
        lambda: furthest.Crosswalk.member_sites(Z, Z.set_geometry(Z.centroid), "code", assign="all"),
        VALUE,
    ),
    (
        "member_sites k too many",
        lambda: furthest.Crosswalk.member_sites(Z, Z.set_geometry(Z.centroid), "code", assign="shared", k=10**6),
        VALUE,
    ),
    ("member_sites k text", lambda: furthest.Crosswalk.member_sites(Z, Z.set_geometry(Z.centroid), "code", k="3"), TYPE),
    ("member_sites unknown area column", lambda: furthest.Crosswalk.member_sites(Z, Z.set_geometry(Z.centroid), "nope"), VALUE),
    ("apply a list", lambda: furthest.Crosswalk.overlay(Z, Z).apply([1]), TYPE),
    ("apply unknown column", lambda: furthest.Crosswalk.overlay(Z, Z).apply(DF, extensive=["nope"]), VALUE),
    ("apply unknown key", lambda: furthest.Crosswalk.overlay(Z, Z).apply(DF, key="nope", extensive=["people"]), VALUE),
    ("compose with a frame", lambda: furthest.Crosswalk.overlay(Z, Z).compose(DF), TYPE),
    ("raster of a missing file", lambda: furthest.Crosswalk.raster(Z, "/nonexistent.tif"), VALUE),
    # zonal statistics
    ("zonal_stats missing raster", lambda: furthest.zonal_stats(Z, "/nonexistent.tif"), VALUE),
    ("zonal_stats zones a list", lambda: furthest.zonal_stats([1], "/nonexistent.tif"), (TYPE, furthest.InputError)),
    # access
    (
        "interaction without a reach",
        lambda: furthest.access.interaction(Z.set_geometry(Z.centroid), Z.set_geometry(Z.centroid)),
        TYPE,
    ),
    (
        "interaction distance text",
        lambda: furthest.access.interaction(Z.set_geometry(Z.centroid), Z.set_geometry(Z.centroid), "far"),
        VALUE,
    ),
    (
        "interaction geographic",
        lambda: furthest.access.interaction(Z.set_geometry(Z.centroid).to_crs(4326), Z.set_geometry(Z.centroid).to_crs(4326), 10),
        VALUE,
    ),
    ("interaction cost table column", lambda: furthest.access.interaction(Z, Z, cost_table=pd.DataFrame({"a": [1]})), VALUE),
    ("two_step_fca unknown demand", lambda: REACH.two_step_fca(demand="nope"), VALUE),
    ("two_step_fca demand wrong length", lambda: REACH.two_step_fca(demand=[1.0, 2.0]), VALUE),
    ("within capacity unknown", lambda: REACH.within(capacity="nope"), VALUE),
    ("gaussian negative", lambda: furthest.access.gaussian(-1), VALUE),
    ("gaussian text", lambda: furthest.access.gaussian("wide"), (TYPE, furthest.InputError)),
    # spatial weights and statistics
    ("weights unknown kind", lambda: furthest.spatial.weights(Z, "bishop"), VALUE),
    ("weights kind a number", lambda: furthest.spatial.weights(Z, 4), TYPE),
    ("weights knn k too many", lambda: furthest.spatial.weights(Z, "knn", k=10**6), VALUE),
    ("weights knn k zero", lambda: furthest.spatial.weights(Z, "knn", k=0), VALUE),
    ("weights knn k float", lambda: furthest.spatial.weights(Z, "knn", k=2.5), TYPE),
    ("weights distance negative", lambda: furthest.spatial.weights(Z, "distance", threshold=-5), VALUE),
    ("weights of a frame", lambda: furthest.spatial.weights(DF, "queen"), TYPE),
    ("gi_star permutations too many", lambda: furthest.spatial.gi_star(Z["imd"], W, permutations=10**7), VALUE),
    ("gi_star permutations text", lambda: furthest.spatial.gi_star(Z["imd"], W, permutations="999"), TYPE),
    ("gi_star alpha 5", lambda: furthest.spatial.gi_star(Z["imd"], W, alpha=5), VALUE),
    ("gi_star weights a frame", lambda: furthest.spatial.gi_star(Z["imd"], DF), TYPE),
    ("gi_star unknown column", lambda: furthest.spatial.gi_star(DF, W, column="nope"), VALUE),
    ("local_moran wrong index", lambda: furthest.spatial.local_moran(pd.Series([1.0, 2.0]), W), VALUE),
    ("local_moran correction", lambda: furthest.spatial.local_moran(Z["imd"], W, correction="holm"), VALUE),
    ("fdr text", lambda: furthest.spatial.fdr("p"), VALUE),
    # plan
    ("maximal_covering without p", lambda: furthest.plan.maximal_covering(REACH, demand=Z["people"]), TYPE),
    (
        "maximal_covering unknown fixed",
        lambda: furthest.plan.maximal_covering(REACH, demand=Z["people"], p=2, fixed=["nope"]),
        VALUE,
    ),
    ("p_median waves disagree", lambda: furthest.plan.p_median(REACH, demand=Z["people"], p=3, waves=[1, 1]), VALUE),
    ("waves of lists", lambda: furthest.plan.waves([1, 2], [1, 2]), TYPE),
    ("waves capacity_in", lambda: furthest.plan.waves(Z["imd"], Z["code"], capacity_in="rooms"), VALUE),
    ("allocate budget text", lambda: furthest.plan.allocate(Z["people"], "two hundred"), VALUE),
    ("allocate negative budget", lambda: furthest.plan.allocate(Z["people"], -5), VALUE),
]


@pytest.mark.parametrize("call, expected", [pytest.param(c, e, id=i) for i, c, e in CASES])
def test_every_mistake_is_a_furthest_error(call: Callable[[], Any], expected: Any) -> None:
    with pytest.raises(furthest.Error) as caught:
        call()
    assert isinstance(caught.value, expected), f"{type(caught.value).__name__}: {caught.value}"
    message = str(caught.value)
    assert message and "Traceback" not in message
    # Python's conventions hold alongside: a wrong value is a ValueError, a wrong type a TypeError.
    if isinstance(caught.value, furthest.ArgumentTypeError):
        assert isinstance(caught.value, TypeError)
    elif not isinstance(caught.value, furthest.OutputError):
        assert isinstance(caught.value, ValueError)


def test_the_score_message_says_what_was_expected() -> None:
    with pytest.raises(TypeError, match=r"'indicators' is a str \('x'\); expected a list of indicator dicts"):
        furthest.score(DF, {"indicators": "x"})


def test_value_errors_are_furthest_errors_and_value_errors() -> None:
    assert issubclass(furthest.InputError, ValueError) and issubclass(furthest.ConfigError, ValueError)
    assert issubclass(furthest.GeometryError, ValueError)
    assert issubclass(furthest.ArgumentTypeError, TypeError) and issubclass(furthest.ArgumentTypeError, furthest.Error)
    for error in (furthest.InputError, furthest.ConfigError, furthest.GeometryError, furthest.OutputError):
        assert issubclass(error, furthest.Error)


def test_caps_of_the_config_hold_for_the_keywords() -> None:
    """The config's caps (draws, classes k, permutations, knn k, member-site k) bound the keywords too,
    with the same numbers in the message."""
    with pytest.raises(furthest.ConfigError, match="from 0 to 1,000,000"):
        furthest.score(DF, GOOD_SPEC, draws=1_000_001)
    with pytest.raises(furthest.ConfigError, match="from 0 to 99999"):
        furthest.spatial.local_moran(Z["imd"], W, permutations=100000)
    with pytest.raises(furthest.ConfigError, match="from 1 to 100"):
        furthest.spatial.weights(Z, "knn", k=101)
    with pytest.raises(furthest.ConfigError, match="from 1 to 100"):
        furthest.Crosswalk.member_sites(Z, Z.set_geometry(Z.centroid), "code", assign="shared", k=101)


ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draws=ANYTHING, seed=ANYTHING, normalise=ANYTHING, k=ANYTHING)
def test_score_keywords_never_escape_the_family(draws: Any, seed: Any, normalise: Any, k: Any) -> None:
    spec = {"indicators": [{"name": "imd"}], "normalise": normalise, "classes": {"k": k}}
    with contextlib.suppress(furthest.Error):
        furthest.score(DF, spec, draws=draws, seed=seed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(permutations=ANYTHING, alpha=ANYTHING, k=ANYTHING, kind=ANYTHING)
def test_spatial_keywords_never_escape_the_family(permutations: Any, alpha: Any, k: Any, kind: Any) -> None:
    with contextlib.suppress(furthest.Error):
        w = furthest.spatial.weights(Z, kind, k=k)
        furthest.spatial.gi_star(Z["imd"], w, permutations=permutations, alpha=alpha)
