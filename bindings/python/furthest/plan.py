"""Plans: where the next Digital Health Hubs go (hub site selection), wave by wave.

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

__all__ = ["SiteSelection", "maximal_covering", "p_median"]


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
