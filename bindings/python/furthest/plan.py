"""Plans: where the next Digital Health Hubs go (hub site selection), wave by wave; which areas
and neighbourhoods come first (:func:`waves`); how a budget of devices or places is shared
(:func:`allocate`). A run's ``[rollout]`` stage calls the same C++ (``furthest/rollout.hpp``).

Build one :func:`furthest.access.interaction` between the zones and the candidate sites, then
choose sites to cover the most need (maximal covering) or to bring need closest (p-median),
around the hubs that already exist:

>>> from furthest import access, plan
>>> reach = access.interaction(lsoa_centroids, candidates, max_distance=2000)
>>> hubs = plan.maximal_covering(reach, lsoa_centroids["need_people"], waves=[3, 2], fixed=libraries.index)
>>> hubs.selected            # the sites opened, with the wave each opened in
>>> hubs.objective, hubs.bound, hubs.gap   # people covered, at most this many, how far from it

The search is a greedy start and vertex substitution with fast swap evaluation (Teitz & Bart
1968; Whitaker 1983; Resende & Werneck 2007) until no swap improves, in C++ without the GIL; it
is deterministic (ties go to the site listed first). Every answer carries a bound on the best
possible objective and the gap to it, so a gap of 0 proves the answer optimal. Methods and
references are in the C++ header ``furthest/location.hpp`` and METHODS.md ("Site selection").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from furthest import _core
from furthest.access import Interaction

__all__ = ["SiteSelection", "WavePlan", "allocate", "maximal_covering", "p_median", "waves"]


@dataclass(frozen=True)
class SiteSelection:
    """The sites chosen, how each zone is served, the objective and the evidence of its quality.

    ``sites`` (one row per candidate, on the sites' index; a GeoDataFrame when the sites were
    one): ``wave`` (0 for a fixed site, 1, 2 ... for the wave it opened in, <NA> when closed),
    ``selected``, ``fixed``, ``reach`` (demand within its reach, open or not) and ``served``
    (demand it serves: each zone goes to its nearest open site; capacitated, the greedy
    assignment). ``zones`` (on the zones' index): ``site`` (the open site serving it, None when
    none), ``cost`` to it (NaN when none) and ``served`` (share of its demand served).
    For covering, ``objective`` is the demand covered and ``bound`` an upper bound on what any
    choice could cover; for p-median, the demand-weighted cost and a lower bound. ``gap`` is
    (bound - objective) / bound for covering and (objective - bound) / objective for p-median.
    """

    problem: str
    sites: pd.DataFrame
    zones: pd.DataFrame
    objective: float
    greedy_objective: float
    bound: float
    gap: float
    iterations: int
    wave_objective: list[float] = field(default_factory=list)

    @property
    def selected(self) -> pd.DataFrame:
        """The open sites (fixed first, then by wave), in the order they are listed within a wave."""
        chosen = self.sites[self.sites["selected"]]
        return chosen.sort_values("wave", kind="stable")

    def waves(self) -> pd.DataFrame:
        """Per wave (0 = fixed sites): the sites it opened and the objective once it is open
        (cumulative; for wave 0, the objective before any wave is not computed and is NaN)."""
        rows = []
        for w in range(len(self.wave_objective) + 1):
            opened = self.sites.index[self.sites["wave"] == w]
            rows.append(
                {
                    "wave": w,
                    "sites": len(opened),
                    "site_labels": list(opened),
                    "objective": np.nan if w == 0 else self.wave_objective[w - 1],
                }
            )
        return pd.DataFrame(rows).set_index("wave")

    def __repr__(self) -> str:
        opened = int((self.sites["wave"] > 0).sum())
        return (
            f"<SiteSelection {self.problem}: {opened} new sites, objective {self.objective:,.6g}, "
            f"bound {self.bound:,.6g}, gap {self.gap:.3%}>"
        )


def _waves(p: int | None, waves: Sequence[int] | None) -> list[int]:
    if waves is None:
        if p is None:
            raise TypeError("give p (the number of new sites) or waves (new sites per wave)")
        return [int(p)]
    sizes = [int(w) for w in waves]
    if p is not None and int(p) != sum(sizes):
        raise _core.InputError(f"p = {p} but the waves add up to {sum(sizes)}; give one or make them agree")
    return sizes


def _fixed(reach: Interaction, fixed: Any) -> list[int]:
    """Positions of the fixed sites: labels of the sites' index, or a boolean mask over the sites."""
    if fixed is None:
        return []
    if isinstance(fixed, pd.Series) and fixed.dtype == bool:
        mask = fixed.reindex(reach.site_index, fill_value=False).to_numpy()
        return [int(k) for k in np.flatnonzero(mask)]
    values = np.asarray(fixed)
    if values.dtype == bool:
        if values.shape != (len(reach.site_index),):
            raise _core.InputError(f"fixed: a mask of {values.shape[0]} values; expected one per site ({len(reach.site_index)})")
        return [int(k) for k in np.flatnonzero(values)]
    labels = pd.Index(list(fixed))
    positions = reach.site_index.get_indexer(labels)
    if (positions < 0).any():
        missing = list(labels[positions < 0][:5])
        raise _core.InputError(f"fixed: {int((positions < 0).sum())} labels are not among the sites (e.g. {missing})")
    return [int(k) for k in positions]


def _selection(problem: str, reach: Interaction, raw: dict[str, Any]) -> SiteSelection:
    wave = pd.array(raw["site_wave"], dtype="Int64")
    wave[raw["site_wave"] < 0] = pd.NA
    sites = pd.DataFrame(
        {
            "wave": wave,
            "selected": raw["site_wave"] >= 0,
            "fixed": raw["site_wave"] == 0,
            "reach": raw["site_reach"],
            "served": raw["site_served"],
        },
        index=reach.site_index,
    )
    candidates = getattr(reach, "_sites", None)
    if isinstance(candidates, gpd.GeoDataFrame | gpd.GeoSeries):
        geometry = candidates.geometry if isinstance(candidates, gpd.GeoDataFrame) else candidates
        sites = gpd.GeoDataFrame(sites, geometry=geometry.to_numpy(), crs=geometry.crs)
    site = raw["zone_site"]
    labels = pd.Series(reach.site_index[np.maximum(site, 0)], index=reach.origin_index, dtype=object)
    labels[site < 0] = None
    zones = pd.DataFrame({"site": labels, "cost": raw["zone_cost"], "served": raw["zone_served"]}, index=reach.origin_index)
    return SiteSelection(
        problem=problem,
        sites=sites,
        zones=zones,
        objective=float(raw["objective"]),
        greedy_objective=float(raw["greedy_objective"]),
        bound=float(raw["bound"]),
        gap=float(raw["gap"]),
        iterations=int(raw["iterations"]),
        wave_objective=[float(v) for v in raw["wave_objective"]],
    )


def maximal_covering(
    interaction: Interaction,
    demand: Any,
    p: int | None = None,
    *,
    waves: Sequence[int] | None = None,
    fixed: Any = None,
    max_cost: float | None = None,
    capacity: Any = None,
    progress: Callable[[str, float], object] | None = None,
) -> SiteSelection:
    """Maximal covering (Church & ReVelle 1974): open ``p`` new sites, or ``waves`` (new sites
    per wave, each wave adding to those already open), to maximise the ``demand`` (per zone: a
    Series on the zones' index, an array or a column of the origins) with an open site within
    ``max_cost`` (default: the whole reach of ``interaction``). ``fixed`` sites (labels of the
    sites' index or a boolean mask) are open from the start and count.

    With ``capacity`` (per site) each site serves at most its capacity; the demand served is
    found greedily (pairs nearest first, a zone's demand may be split), not by an exact flow,
    so the true capacitated optimum can be higher than the search's objective; the bound
    still holds. Runs in C++ without the GIL; Ctrl-C stops it.
    """
    raw = _core.maximal_covering(
        interaction.matrix,
        interaction._demand(demand),
        _waves(p, waves),
        fixed=_fixed(interaction, fixed),
        coverage_cost=float("inf") if max_cost is None else float(max_cost),
        capacity=None if capacity is None else interaction._supply(capacity),
        progress=progress,
    )
    problem = "maximal covering" if capacity is None else "capacitated covering"
    return _selection(problem, interaction, raw)


def p_median(
    interaction: Interaction,
    demand: Any,
    p: int | None = None,
    *,
    waves: Sequence[int] | None = None,
    fixed: Any = None,
    unreached_cost: float | None = None,
    progress: Callable[[str, float], object] | None = None,
) -> SiteSelection:
    """p-median (Hakimi 1964): open ``p`` new sites, or ``waves``, to minimise the
    ``demand``-weighted cost from each zone to its nearest open site. A zone that no open site
    reaches within ``interaction`` costs ``unreached_cost`` (default: the interaction's
    ``max_distance``; for a cost table without one, its largest cost). Build the interaction
    with a reach wide enough that this penalty is rare. Runs in C++ without the GIL; Ctrl-C
    stops it.
    """
    raw = _core.p_median(
        interaction.matrix,
        interaction._demand(demand),
        _waves(p, waves),
        fixed=_fixed(interaction, fixed),
        unreached_cost=float("nan") if unreached_cost is None else float(unreached_cost),
        progress=progress,
    )
    return _selection("p-median", interaction, raw)


@dataclass(frozen=True)
class WavePlan:
    """Areas and zones in waves.

    ``zones`` (on the priority's index): ``area``, ``area_wave`` (0 for a done area),
    ``zone_wave`` (1, 2 ... within its area; 0 when not placed), ``place_in_area`` and
    ``order`` (1.. over all zones; 0 when not placed). ``areas`` (one row per area, in wave
    order): ``area_wave`` (<NA> for an area with no placed zone), ``value`` (the rule's value)
    and ``zones`` (placed zones).
    """

    zones: pd.DataFrame
    areas: pd.DataFrame


def waves(
    priority: pd.Series,
    area: pd.Series,
    *,
    area_value: pd.Series | None = None,
    areas_per_wave: int = 4,
    capacity: float = 10,
    capacity_in: str = "zones",
    people: pd.Series | None = None,
    done: Sequence[Any] = (),
) -> WavePlan:
    """Areas into waves of ``areas_per_wave`` (``done`` areas fixed in wave 0, then by
    ``area_value``, highest first; default: the mean priority of the area's zones), then each
    area's zones by ``priority`` (highest first; NaN leaves a zone out) into zone waves of
    ``capacity`` zones, or people with ``capacity_in="people"`` and ``people`` per zone.
    Ties go to the lower label (as text), so the plan does not depend on the order of the rows.
    ``priority``, ``area`` and ``people`` are Series on the zones' index.
    """
    if not isinstance(priority, pd.Series) or not isinstance(area, pd.Series):
        raise TypeError("priority and area must be pandas Series on the zones' index")
    if capacity_in not in ("zones", "people"):
        raise _core.InputError(f"capacity_in is {capacity_in!r}; expected 'zones' or 'people'")
    if not priority.index.is_unique:
        raise _core.InputError("priority: the zones' index has repeated labels; give one row per zone")
    zone_area = area.reindex(priority.index)
    labels = pd.Index(pd.unique(zone_area.dropna()))
    if area_value is None:
        area_value = pd.to_numeric(priority, errors="coerce").groupby(zone_area).mean()
    values = pd.to_numeric(area_value.reindex(labels), errors="coerce").to_numpy(float)
    missing_done = [d for d in done if d not in set(labels)]
    if missing_done:
        raise _core.InputError(f"done: {missing_done[:5]} are not among the zones' areas (e.g. {list(labels[:3])})")
    positions = labels.get_indexer(zone_area)
    weights = None if people is None else pd.to_numeric(people.reindex(priority.index), errors="coerce").to_numpy(float)
    if capacity_in == "people" and weights is None:
        raise _core.InputError("capacity_in='people' needs people per zone")
    raw = _core.plan_waves(
        [str(z) for z in priority.index],
        [int(k) for k in positions],
        pd.to_numeric(priority, errors="coerce").to_numpy(float),
        weights,
        [str(a) for a in labels],
        [float(v) for v in values],
        [a in set(done) for a in labels],
        int(areas_per_wave),
        float(capacity),
        capacity_in == "people",
    )
    area_wave = pd.array(raw["area_wave"], dtype="Int64")
    area_wave[raw["area_wave"] < 0] = pd.NA
    zone_area_wave = pd.array(np.where(positions >= 0, raw["area_wave"][np.maximum(positions, 0)], -1), dtype="Int64")
    zone_area_wave[(positions < 0) | (raw["zone_wave"] == 0)] = pd.NA
    zones = pd.DataFrame(
        {
            "area": zone_area,
            "area_wave": zone_area_wave,
            "zone_wave": raw["zone_wave"].astype("int64"),
            "place_in_area": raw["place_in_area"],
            "order": raw["order"],
        },
        index=priority.index,
    )
    placed = zones.loc[zones["order"] > 0, "area"].value_counts()
    areas = pd.DataFrame(
        {"area_wave": area_wave, "value": values, "zones": placed.reindex(labels, fill_value=0).to_numpy()},
        index=labels,
    )
    areas.index.name = area.name
    areas = areas.sort_values("area_wave", kind="stable", na_position="last")
    return WavePlan(zones=zones, areas=areas)


def allocate(
    weight: pd.Series,
    budget: int,
    *,
    minimum: int = 0,
    cap: int | None = None,
    unit: str = "units",
) -> pd.DataFrame:
    """Share ``budget`` whole units (tablets, training places, pounds) in proportion to
    ``weight`` (e.g. gap-weighted people per area), each recipient with a positive weight
    getting at least ``minimum`` and at most ``cap``: the continuous shares with minimums and
    caps, then whole units by the largest remainder (ties to the row listed first).

    Returns a DataFrame on the weight's index: ``units``, ``share`` (the continuous share of
    the weight). The units sum to the budget unless every recipient reaches its cap; what is
    left over is in ``.attrs["unplaced"]``.
    """
    if not isinstance(weight, pd.Series):
        weight = pd.Series(weight)
    values = pd.to_numeric(weight, errors="coerce").to_numpy(float)
    raw = _core.share_budget(values, int(budget), int(minimum), 0 if cap is None else int(cap), str(unit))
    positive = np.where(np.isfinite(values) & (values > 0), values, 0.0)
    out = pd.DataFrame({"units": raw["units"], "share": positive / positive.sum()}, index=weight.index)
    out.attrs["unplaced"] = int(raw["unplaced"])
    out.attrs["unit"] = str(unit)
    return out


# Every mistake leaves as a furthest.Error (ArgumentTypeError for a wrong type): see furthest.errors.
def _guard_public() -> None:
    from furthest.errors import api_boundary

    for name in ("allocate", "maximal_covering", "p_median", "waves"):
        globals()[name] = api_boundary(f"furthest.plan.{name}")(globals()[name])


_guard_public()
