"""Type stubs for furthest._core, the private native module (use the furthest package)."""

from collections.abc import Callable, Sequence
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

__version__: str

class Error(RuntimeError): ...
class InputError(Error, ValueError): ...
class ConfigError(Error, ValueError): ...
class GeometryError(Error, ValueError): ...
class OutputError(Error): ...

# ---- runs ------------------------------------------------------------------------------------------
class RunTable(TypedDict):
    """One table of a run's output catalogue."""

    name: str
    about: str
    stage: str
    columns: dict[str, npt.NDArray[Any] | list[str | None]]
    wkb: list[bytes | None] | None
    crs_wkt: str | None

class RunWarningRecord(TypedDict):
    stage: str
    code: str
    message: str
    ids: list[str]

class RawRunResult(TypedDict):
    tables: list[RunTable]
    """The output catalogue, in the order the stages made the tables."""
    manifest: str
    warnings: list[RunWarningRecord]
    output_path: str | None
    manifest_path: str | None
    table_paths: list[str]

def run(
    config: str,
    *,
    is_json: bool = False,
    base_dir: str = "",
    output: str = "",
    write: bool = True,
    progress: Callable[[str, float], None] | None = None,
) -> RawRunResult:
    """Run a config; Ctrl-C raises KeyboardInterrupt within about a second, nothing written after it."""

def normalise_postcode(text: str) -> str | None:
    """The standard form of a UK postcode ('ls14ap' -> 'LS1 4AP'), or None when the text is not shaped like one."""

def check_config(config: str, *, is_json: bool = False, base_dir: str = "", output: str = "") -> str: ...
def output_tables(config: str, *, is_json: bool = False, base_dir: str = "") -> list[tuple[str, str, str]]:
    """(name, stage, about) of each table a run of the config makes, in order."""

# ---- crosswalks ------------------------------------------------------------------------------------
class Crosswalk:
    @property
    def method(self) -> str: ...
    @property
    def shape(self) -> tuple[int, int]: ...
    @property
    def source_weight(self) -> npt.NDArray[np.float64]: ...
    def coo(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
    def uncovered(self) -> npt.NDArray[np.float64]: ...
    def main_target(self) -> list[int]: ...
    def apply_extensive(self, x: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
    def apply_intensive(
        self, x: npt.ArrayLike, weight: npt.ArrayLike | None = None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
    def class_shares(self, category: Sequence[int], classes: int) -> npt.NDArray[np.float64]: ...
    def then(self, next: Crosswalk) -> Crosswalk: ...

# (side 'sources'/'targets'/'zones', index, GEOS's reason): a polygon repaired before the join.
Repair = tuple[str, int, str]
# {points, outside, mostly_outside, likely_cause}: check_placement's findings.
Placement = dict[str, Any]

def overlay_crosswalk(
    sources: Sequence[bytes], source_crs: str, targets: Sequence[bytes], target_crs: str, working_crs: str, threads: int = 0
) -> tuple[Crosswalk, list[Repair]]: ...
def weighted_points_overlay(
    sources: Sequence[bytes],
    source_crs: str,
    targets: Sequence[bytes],
    target_crs: str,
    points: Sequence[bytes],
    points_crs: str,
    weight: npt.ArrayLike,
    working_crs: str,
    threads: int = 0,
) -> tuple[Crosswalk, list[int], list[Repair]]: ...
def points_crosswalk(
    points: Sequence[bytes],
    points_crs: str,
    polygons: Sequence[bytes],
    polygons_crs: str,
    weight: npt.ArrayLike,
    working_crs: str,
    threads: int = 0,
) -> tuple[Crosswalk, Placement]: ...
def points_crosswalk_xy(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    points_crs: str,
    polygons: Sequence[bytes],
    polygons_crs: str,
    weight: npt.ArrayLike,
    working_crs: str,
    threads: int = 0,
) -> tuple[Crosswalk, Placement]: ...
def lookup_crosswalk(
    sources: int,
    targets: int,
    source_index: Sequence[int],
    target_index: Sequence[int],
    change: str,
    target_weight: npt.ArrayLike,
) -> tuple[Crosswalk, list[str], list[int]]: ...
def member_site_crosswalk(
    zones: Sequence[bytes],
    zones_crs: str,
    sites: Sequence[bytes],
    sites_crs: str,
    site_area: Sequence[int],
    areas: int,
    assign: str,
    k: int,
    working_crs: str,
    threads: int = 0,
) -> tuple[Crosswalk, list[bytes | None], list[Repair]]: ...
def is_geographic(crs: str) -> bool: ...
def crs_wkt(crs: str) -> str: ...

# ---- rasters ---------------------------------------------------------------------------------------
def zonal_statistics(
    wkb: Sequence[bytes],
    crs_wkt: str,
    raster_path: str,
    statistics: Sequence[str],
    *,
    weights_path: str | None = None,
    threshold: float | None = None,
    band: int = 1,
    threads: int = 0,
    coverage: str = "float64",
) -> dict[str, npt.NDArray[np.float64]]: ...
def raster_crosswalk(
    wkb: Sequence[bytes],
    crs_wkt: str,
    raster_path: str,
    *,
    weights_path: str | None = None,
    band: int = 1,
    threads: int = 0,
) -> tuple[Crosswalk, dict[str, Any]]: ...
def cell_coverage(
    wkb: bytes, x_min: float, y_max: float, cell_width: float, cell_height: float, rows: int, cols: int
) -> tuple[int, int, npt.NDArray[np.float64]]: ...
def reproject_polygons(wkb: Sequence[bytes], from_wkt: str, to_wkt: str) -> list[bytes]: ...

# ---- scoring ---------------------------------------------------------------------------------------
def score(
    values: npt.ArrayLike,
    spec: str,
    *,
    area: npt.ArrayLike | None = None,
    zone_ids: Sequence[str] | None = None,
    standard_errors: npt.ArrayLike | None = None,
    draws: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    keep_draws: bool | None = None,
    progress: Callable[[str, float], object] | None = None,
) -> dict[str, Any]: ...
def scoring_columns() -> list[tuple[str, str]]: ...
def support_columns() -> list[tuple[str, str]]: ...

SCORING_AREA_COLUMN: str

def class_breaks(values: npt.ArrayLike, method: str, k: int, breaks: Sequence[float]) -> list[float]: ...

# ---- spatial statistics ----------------------------------------------------------------------------
class SpatialWeights:
    def __init__(
        self,
        offsets: npt.ArrayLike,
        neighbours: npt.ArrayLike,
        weights: npt.ArrayLike,
        row_standardised: bool = False,
    ) -> None: ...
    @property
    def n(self) -> int: ...
    @property
    def offsets(self) -> npt.NDArray[np.int64]: ...
    @property
    def neighbours(self) -> npt.NDArray[np.int64]: ...
    @property
    def weights(self) -> npt.NDArray[np.float64]: ...
    @property
    def row_standardised(self) -> bool: ...
    def islands(self) -> npt.NDArray[np.int64]: ...
    def row_standardise(self) -> None: ...
    def copy(self) -> SpatialWeights: ...

def contiguity_weights(
    wkb: Sequence[bytes], rule: str, *, threads: int = 0, progress: Callable[[str, float], object] | None = None
) -> SpatialWeights: ...
def distance_band_weights(x: npt.ArrayLike, y: npt.ArrayLike, threshold: float, *, binary: bool = True) -> SpatialWeights: ...
def knn_weights(x: npt.ArrayLike, y: npt.ArrayLike, k: int) -> SpatialWeights: ...
def local_gi_star(
    values: npt.ArrayLike,
    weights: SpatialWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> dict[str, Any]: ...
def local_moran(
    values: npt.ArrayLike,
    weights: SpatialWeights,
    *,
    permutations: int = 999,
    seed: int = 0,
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> dict[str, Any]: ...
def benjamini_hochberg(p: npt.ArrayLike, alpha: float) -> npt.NDArray[np.bool_]: ...
def smallest_p_value(permutations: int) -> float: ...
def permutations_suffice(permutations: int, alpha: float, tests: int, correction: str) -> bool: ...

# ---- access ----------------------------------------------------------------------------------------
class InteractionMatrix:
    @property
    def zones(self) -> int: ...
    @property
    def sites(self) -> int: ...
    @property
    def pairs(self) -> int: ...
    @property
    def max_cost(self) -> float: ...
    def pair_table(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...

class Decay:
    @staticmethod
    def uniform() -> Decay: ...
    @staticmethod
    def step(bands: Sequence[tuple[float, float]]) -> Decay: ...
    @staticmethod
    def linear(width: float) -> Decay: ...
    @staticmethod
    def gaussian(sigma: float) -> Decay: ...
    @staticmethod
    def power(exponent: float, min_cost: float) -> Decay: ...
    @staticmethod
    def exponential(rate: float) -> Decay: ...
    def __call__(self, cost: float) -> float: ...

def interaction_from_points(
    origin_x: npt.ArrayLike,
    origin_y: npt.ArrayLike,
    site_x: npt.ArrayLike,
    site_y: npt.ArrayLike,
    max_distance: float,
    *,
    threads: int = 0,
    progress: Callable[[str, float], object] | None = None,
) -> InteractionMatrix: ...
def interaction_from_costs(
    zones: int,
    sites: int,
    origin: npt.ArrayLike,
    site: npt.ArrayLike,
    cost: npt.ArrayLike,
    *,
    max_cost: float = ...,
    progress: Callable[[str, float], object] | None = None,
) -> InteractionMatrix: ...
def nearest_site(matrix: InteractionMatrix) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]: ...
def sites_within(matrix: InteractionMatrix, max_cost: float = ...) -> npt.NDArray[np.int64]: ...
def supply_within(matrix: InteractionMatrix, supply: npt.ArrayLike, max_cost: float = ...) -> npt.NDArray[np.float64]: ...
def two_step_fca(
    matrix: InteractionMatrix, demand: npt.ArrayLike, supply: npt.ArrayLike, decay: Decay = ...
) -> dict[str, npt.NDArray[np.float64]]: ...
def balanced_fca(
    matrix: InteractionMatrix, demand: npt.ArrayLike, supply: npt.ArrayLike, decay: Decay = ...
) -> dict[str, npt.NDArray[np.float64]]: ...
def gravity(matrix: InteractionMatrix, supply: npt.ArrayLike, decay: Decay) -> npt.NDArray[np.float64]: ...

# ---- hub site selection --------------------------------------------------------------------------
class LocationResultDict(TypedDict):
    site_wave: npt.NDArray[np.int64]
    site_reach: npt.NDArray[np.float64]
    site_served: npt.NDArray[np.float64]
    zone_site: npt.NDArray[np.int64]
    zone_cost: npt.NDArray[np.float64]
    zone_served: npt.NDArray[np.float64]
    objective: float
    greedy_objective: float
    wave_objective: list[float]
    bound: float
    gap: float
    iterations: int

def maximal_covering(
    matrix: InteractionMatrix,
    demand: npt.ArrayLike,
    waves: Sequence[int],
    *,
    fixed: Sequence[int] = ...,
    coverage_cost: float = ...,
    capacity: npt.ArrayLike | None = None,
    progress: Callable[[str, float], object] | None = None,
) -> LocationResultDict: ...
def p_median(
    matrix: InteractionMatrix,
    demand: npt.ArrayLike,
    waves: Sequence[int],
    *,
    fixed: Sequence[int] = ...,
    unreached_cost: float = ...,
    progress: Callable[[str, float], object] | None = None,
) -> LocationResultDict: ...

class WavePlanDict(TypedDict):
    area_wave: npt.NDArray[np.int32]
    zone_wave: npt.NDArray[np.int32]
    order: npt.NDArray[np.int64]
    place_in_area: npt.NDArray[np.int64]

def plan_waves(
    zone_ids: Sequence[str],
    zone_area: Sequence[int],
    priority: npt.ArrayLike,
    people: npt.ArrayLike | None,
    area_ids: Sequence[str],
    area_value: Sequence[float],
    area_done: Sequence[bool],
    areas_per_wave: int,
    zone_capacity: float,
    capacity_in_people: bool,
) -> WavePlanDict: ...

class BudgetShareDict(TypedDict):
    units: npt.NDArray[np.int64]
    unplaced: int

def share_budget(weight: npt.ArrayLike, budget: int, minimum: int, cap: int, unit: str) -> BudgetShareDict: ...

# --- monitoring (furthest/monitoring.hpp) ---
class ConcentrationDict(TypedDict):
    index: float
    lower: float
    upper: float
    level: float
    draws: int
    undefined_draws: int
    bootstrap: npt.NDArray[np.float64]
    curve_population: npt.NDArray[np.float64]
    curve_reach: npt.NDArray[np.float64]
    fractional_rank: npt.NDArray[np.float64]

def concentration_index(
    reach: npt.ArrayLike,
    population: npt.ArrayLike,
    need_rank: npt.ArrayLike,
    *,
    draws: int = 999,
    seed: int = 0,
    level: float = 0.9,
    threads: int = 0,
    zone_ids: Sequence[str] = ...,
    progress: Callable[[str, float], object] | None = None,
) -> ConcentrationDict: ...
def need_groups(population: npt.ArrayLike, need_rank: npt.ArrayLike, groups: int) -> npt.NDArray[np.int64]: ...

class GroupSharesDict(TypedDict):
    population: npt.NDArray[np.float64]
    reach: npt.NDArray[np.float64]
    population_share: npt.NDArray[np.float64]
    reach_share: npt.NDArray[np.float64]
    ratio: npt.NDArray[np.float64]
    ungrouped_population: float
    ungrouped_reach: float

def share_by_group(reach: npt.ArrayLike, population: npt.ArrayLike, group: npt.ArrayLike, groups: int) -> GroupSharesDict: ...

class SuppressedDict(TypedDict):
    values: npt.NDArray[np.float64]
    status: npt.NDArray[np.int8]
    primary_cells: int
    secondary_cells: int
    primary_margins: int
    secondary_margins: int
    linked_cells: int
    linked_margins: int

def suppress_counts(
    counts: npt.ArrayLike, threshold: float, zeros: str, margins: bool, forced: npt.ArrayLike | None = None
) -> SuppressedDict: ...

class NestedDict(TypedDict):
    zones: SuppressedDict
    areas: SuppressedDict
    rounds: int

def suppress_nested(
    counts: npt.ArrayLike,
    area_of_zone: npt.ArrayLike,
    areas: int,
    threshold: float,
    zeros: str,
    progress: Callable[[str, float], object] | None = None,
) -> NestedDict: ...
