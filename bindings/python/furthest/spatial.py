"""Spatial weights and local spatial statistics: hot and cold spots of need.

``weights`` builds queen/rook contiguity (polygons), distance-band or k-nearest-neighbour weights
(points, or polygon centroids) in the C++ core. ``gi_star`` (Getis & Ord 1992; Ord & Getis 1995) and
``local_moran`` (Anselin 1995) test each zone by conditional permutation: each permutation draws one
set of random neighbour positions shared by every zone (zone i skips itself), as esda does, from a
stream seeded by (seed, block of permutations), so results are identical for any thread count.

p-values are **two-sided**: ``min(1, 2 (min(#{sim >= obs}, #{sim <= obs}) + 1) / (P + 1))``, esda's
``alternative="two-sided"``. esda's default ("directed", GeoDa's folded pseudo p) reports the smaller
tail undoubled, about half of this. With P permutations no p goes below ``2 / (P + 1)`` (0.002 at
999): ``permutations_suffice`` says whether a correction's threshold is reachable at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from furthest import _core
from furthest.errors import ArgumentTypeError, ConfigError, InputError, api_boundary

__all__ = ["Weights", "fdr", "gi_star", "local_moran", "permutations_suffice", "smallest_p_value", "weights"]

_QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


class Weights:
    """Spatial weights on a frame's index. ``native`` is the C++ ``SpatialWeights`` (CSR rows)."""

    def __init__(self, native: _core.SpatialWeights, index: pd.Index, kind: str) -> None:
        if native.n != len(index):
            raise InputError(f"weights: {native.n} zones but an index of {len(index)}")
        self.native = native
        self.index = index
        self.kind = kind

    @property
    @api_boundary("furthest.spatial.Weights.n")
    def n(self) -> int:
        return int(self.native.n)

    @property
    @api_boundary("furthest.spatial.Weights.cardinalities")
    def cardinalities(self) -> pd.Series:
        """Number of neighbours of each zone."""
        return pd.Series(np.diff(self.native.offsets), index=self.index, name="neighbours")

    @property
    @api_boundary("furthest.spatial.Weights.islands")
    def islands(self) -> pd.Index:
        """Labels of the zones without neighbours (never given a statistic or a class)."""
        return self.index[self.native.islands()]

    @api_boundary("furthest.spatial.Weights.positions")
    def positions(self) -> dict[int, list[int]]:
        """Neighbours by position: {i: [j, ...]} (copies; for checks, not for loops)."""
        offsets, neighbours = self.native.offsets, self.native.neighbours
        return {i: neighbours[offsets[i] : offsets[i + 1]].tolist() for i in range(self.n)}

    @api_boundary("furthest.spatial.Weights.row_standardised")
    def row_standardised(self) -> Weights:
        """A copy with each row summing to 1."""
        native = self.native.copy()
        native.row_standardise()
        return Weights(native, self.index, self.kind)

    def __repr__(self) -> str:
        return f"Weights({self.kind}, n={self.n}, links={len(self.native.neighbours)}, islands={len(self.native.islands())})"


def _points(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    if gdf.crs is not None and gdf.crs.is_geographic:
        raise InputError("weights: distances need a projected CRS (metres); reproject first, e.g. gdf.to_crs(27700)")
    geometry = gdf.geometry.values
    if not all(geometry.geom_type == "Point"):
        geometry = geometry.centroid
    return shapely.get_x(geometry).astype(float), shapely.get_y(geometry).astype(float)


@api_boundary("furthest.spatial.weights")
def weights(
    gdf: gpd.GeoDataFrame,
    kind: str = "queen",
    *,
    threshold: float | None = None,
    k: int | None = None,
    binary: bool = True,
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> Weights:
    """Spatial weights of a GeoDataFrame's rows, on its index.

    ``kind``: "queen" (polygons sharing a point) or "rook" (sharing an edge), binary; "distance"
    (points, or polygon centroids, within ``threshold`` inclusive; weight 1, or 1/d when
    ``binary=False``); "knn" (the ``k`` nearest, ties to the lower position). Copies the geometries
    once into the engine; the GIL is released while building.
    """
    if not isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)):
        raise ArgumentTypeError(f"weights: gdf is a {type(gdf).__name__}; expected a GeoDataFrame")
    if not isinstance(kind, str):
        raise ArgumentTypeError(f"weights: kind is a {type(kind).__name__}; expected 'queen', 'rook', 'distance' or 'knn'")
    _whole(threads, "threads", 0, 1024, "0 = all cores")
    if kind in ("queen", "rook"):
        wkb = shapely.to_wkb(gdf.geometry.values)
        native = _core.contiguity_weights(list(wkb), kind, threads=threads, progress=progress)
    elif kind == "distance":
        if threshold is None:
            raise ConfigError('weights: kind="distance" needs threshold=')
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)):
            raise ArgumentTypeError(f"weights: threshold is a {type(threshold).__name__}; expected metres (a number)")
        if not (np.isfinite(threshold) and threshold > 0):
            raise ConfigError(f"weights: threshold is {threshold}; expected a finite distance > 0 (as [hotspots] distance)")
        x, y = _points(gdf)
        native = _core.distance_band_weights(x, y, float(threshold), binary=binary)
    elif kind == "knn":
        if k is None:
            raise ConfigError('weights: kind="knn" needs k=')
        k = _whole(k, "k", 1, 100, "as [hotspots] k")
        x, y = _points(gdf)
        native = _core.knn_weights(x, y, k)
    else:
        raise ConfigError(f"weights: kind {kind!r} is not one of 'queen', 'rook', 'distance', 'knn'")
    return Weights(native, gdf.index, kind)


def _whole(value: Any, name: str, low: int, high: int, why: str) -> int:
    """A whole-number keyword within the cap its config key has (the same bounds, the same words)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"{name} is a {type(value).__name__}; expected a whole number from {low} to {high}")
    if not low <= int(value) <= high:
        raise ConfigError(f"{name} is {value}; expected a whole number from {low} to {high} ({why})")
    return int(value)


def _test_options(weights: Any, permutations: Any, alpha: Any, threads: Any) -> None:
    if not isinstance(weights, Weights):
        raise ArgumentTypeError(
            f"weights is a {type(weights).__name__}; expected furthest.spatial.Weights (from furthest.spatial.weights)"
        )
    _whole(permutations, "permutations", 0, 99999, "as [hotspots] permutations; 0 = no inference")
    _whole(threads, "threads", 0, 1024, "0 = all cores")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) or not 0.0 < float(alpha) < 1.0:
        raise ConfigError(f"alpha is {alpha!r}; expected a number between 0 and 1, e.g. 0.05")


def _values(data: pd.Series | pd.DataFrame, column: str | None, w: Weights) -> pd.Series:
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        raise ArgumentTypeError(f"data is a {type(data).__name__}; expected a pandas Series (or a DataFrame and column=)")
    if isinstance(data, pd.DataFrame):
        if column is None:
            raise ConfigError("column= names the values to test when a DataFrame is given")
        if column not in data.columns:
            raise InputError(f"column {column!r} is not in the DataFrame; columns: {list(data.columns)[:12]}")
        data = data[column]
    if not data.index.equals(w.index):
        raise InputError("the values' index differs from the weights' index; build the weights from the same frame")
    return data.astype(float)


def _transformed(w: Weights, transform: str) -> _core.SpatialWeights:
    if transform == "r":
        return w.row_standardised().native
    if transform == "b":
        return w.native
    raise ConfigError(f"transform: {transform!r} is not 'r' (row-standardised) or 'b' (as built)")


def _significant(p: np.ndarray, alpha: float, correction: str) -> np.ndarray:
    if correction == "fdr":
        return _core.benjamini_hochberg(p, alpha)
    tested = int(np.sum(~np.isnan(p)))
    if correction == "bonferroni":
        return np.nan_to_num(p, nan=1.0) <= alpha / max(tested, 1)
    if correction == "none":
        return np.nan_to_num(p, nan=1.0) <= alpha
    raise ConfigError(f"correction: {correction!r} is not 'fdr', 'bonferroni' or 'none'")


def _frame(
    result: dict[str, Any], index: pd.Index, names: tuple[str, str, str], alpha: float, correction: str
) -> tuple[pd.DataFrame, np.ndarray]:
    p = result["p"]
    frame = pd.DataFrame({names[0]: result["statistic"], names[1]: result["z"], names[2]: p}, index=index)
    significant = _significant(p, alpha, correction)
    frame.attrs.update(
        permutations=result["permutations"],
        min_p=result["min_p"],
        alpha=alpha,
        correction=correction,
        permutations_suffice=permutations_suffice(result["permutations"], alpha, int(np.sum(~np.isnan(p))), correction),
        p_value="two-sided pseudo p (about twice esda's default 'directed')",
    )
    return frame, significant


@api_boundary("furthest.spatial.gi_star")
def gi_star(
    data: pd.Series | pd.DataFrame,
    weights: Weights,
    *,
    column: str | None = None,
    permutations: int = 999,
    seed: int = 0,
    transform: str = "r",
    alpha: float = 0.05,
    correction: str = "fdr",
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> pd.DataFrame:
    """Local Getis–Ord Gi* of each zone, on the caller's index.

    Columns: ``gi_star`` (esda ``G_Local(star=True)``'s Gs), ``gi_z`` (against the permutations),
    ``gi_p`` (two-sided pseudo p), ``hot_cold`` ("hot", "cold", "not significant", "island") after
    ``correction`` ("fdr" Benjamini–Hochberg, "bonferroni", "none") at ``alpha``. ``attrs`` holds
    ``min_p`` and ``permutations_suffice``. The GIL is released; Ctrl-C stops it.
    """
    _test_options(weights, permutations, alpha, threads)
    values = _values(data, column, weights)
    result = _core.local_gi_star(
        values.to_numpy(),
        _transformed(weights, transform),
        permutations=permutations,
        seed=seed,
        threads=threads,
        progress=progress,
    )
    frame, significant = _frame(result, values.index, ("gi_star", "gi_z", "gi_p"), alpha, correction)
    cluster = result["cluster"]
    labels = np.where(cluster > 0, "hot", "cold").astype(object)
    labels[~significant] = "not significant"
    labels[np.isnan(result["statistic"])] = "island"
    frame["hot_cold"] = pd.Categorical(labels, categories=["hot", "cold", "not significant", "island"])
    return frame


@api_boundary("furthest.spatial.local_moran")
def local_moran(
    data: pd.Series | pd.DataFrame,
    weights: Weights,
    *,
    column: str | None = None,
    permutations: int = 999,
    seed: int = 0,
    transform: str = "r",
    alpha: float = 0.05,
    correction: str = "fdr",
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> pd.DataFrame:
    """Local Moran's I of each zone, on the caller's index.

    Columns: ``moran_i`` (esda ``Moran_Local``'s Is), ``moran_z``, ``moran_p`` (two-sided pseudo p),
    ``quadrant`` (esda's q: 1 HH, 2 LH, 3 LL, 4 HL; 0 for islands) and ``cluster`` ("HH", "LL", "HL",
    "LH" where significant after ``correction``, else "not significant", or "island").
    """
    _test_options(weights, permutations, alpha, threads)
    values = _values(data, column, weights)
    result = _core.local_moran(
        values.to_numpy(),
        _transformed(weights, transform),
        permutations=permutations,
        seed=seed,
        threads=threads,
        progress=progress,
    )
    frame, significant = _frame(result, values.index, ("moran_i", "moran_z", "moran_p"), alpha, correction)
    quadrant = result["cluster"].astype(np.int8)
    frame["quadrant"] = quadrant
    labels = np.array([_QUADRANTS.get(int(q), "island") for q in quadrant], dtype=object)
    labels[(quadrant > 0) & ~significant] = "not significant"
    frame["cluster"] = pd.Categorical(labels, categories=["HH", "LL", "HL", "LH", "not significant", "island"])
    return frame


@api_boundary("furthest.spatial.fdr")
def fdr(p: pd.Series | np.ndarray, alpha: float = 0.05) -> pd.Series | np.ndarray:
    """Benjamini–Hochberg step-up: True where rejected at false-discovery rate ``alpha``; NaN is
    neither tested nor counted. A Series comes back on its index."""
    values = np.asarray(p, dtype=float)
    reject = _core.benjamini_hochberg(values, float(alpha))
    if isinstance(p, pd.Series):
        return pd.Series(reject, index=p.index, name="fdr_reject")
    return reject


@api_boundary("furthest.spatial.smallest_p_value")
def smallest_p_value(permutations: int) -> float:
    """The smallest two-sided pseudo p ``permutations`` can give: 2 / (permutations + 1)."""
    return float(_core.smallest_p_value(permutations))


@api_boundary("furthest.spatial.permutations_suffice")
def permutations_suffice(permutations: int, alpha: float, tests: int, correction: str = "fdr") -> bool:
    """Whether the smallest attainable p reaches ``alpha`` (correction "none") or ``alpha / tests``
    ("bonferroni", and "fdr", whose strictest step is that bound)."""
    return bool(_core.permutations_suffice(permutations, alpha, tests, correction))
