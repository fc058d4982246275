"""One vocabulary: the run and furthest.score() write the same names for the same things, each
defined once in C++ (include/furthest/columns.hpp) with its meaning, and the README says it."""

from __future__ import annotations

import re

import pandas as pd

import furthest

OLD_NAMES = {
    "map_class",
    "national_rank",
    "national_decile",
    "rank_moved_most_by",
    "median_rank",
    "mean_rank",
    "area_reference_score",
}


def _scoring_names(columns) -> set[str]:
    prefix = "contribution_"
    return {c for c in columns if c in furthest.COLUMNS or c.startswith(prefix)}


def test_every_column_has_a_meaning():
    assert "score" in furthest.COLUMNS and "rank_p05" in furthest.COLUMNS
    for name, meaning in furthest.COLUMNS.items():
        assert re.fullmatch(r"[a-z0-9_]+", name), name
        assert len(meaning) > 20 and meaning.endswith("."), (name, meaning)
    assert not OLD_NAMES & set(furthest.COLUMNS)


def test_the_run_and_score_use_the_same_names(demo_dir, tmp_path):
    config = {
        "zones": {"path": str(demo_dir / "zones.gpkg"), "id": "zone_code"},
        "areas": {"path": str(demo_dir / "areas.geojson"), "id": "lcp_code", "name": "lcp_name"},
        "indicators": [
            {
                "path": str(demo_dir / "indicators.csv"),
                "key": "zone_code",
                "column": "imd_score",
                "direction": "higher_is_more_need",
            },
            {
                "path": str(demo_dir / "indicators.csv"),
                "key": "zone_code",
                "column": "digital_propensity",
                "direction": "lower_is_more_need",
            },
        ],
        "scoring": {"uncertainty": {"draws": 50, "seed": 3}},
        "output": {"path": str(tmp_path / "v.gpkg")},
    }
    zones = furthest.validate(config).zones
    run_names = _scoring_names(zones.columns)
    # The same zones in the same order, with their main area, as the run scored them.
    df = pd.DataFrame(zones[["zone_code", "area_id", "imd_score", "digital_propensity"]])
    scored = furthest.score(
        df,
        {
            "indicators": [
                {"name": "imd_score", "direction": "higher_is_more_need"},
                {"name": "digital_propensity", "direction": "lower_is_more_need"},
            ],
            "uncertainty": {"draws": 50, "seed": 3},
        },
        areas="area_id",
    )
    score_names = _scoring_names(scored.columns)
    assert run_names <= score_names, run_names - score_names
    assert {
        "score",
        "rank",
        "decile",
        "score_class",
        "rank_p05",
        "rank_median",
        "rank_p95",
        "most_influential",
        "contribution_imd_score",
    } <= run_names
    assert not OLD_NAMES & (set(zones.columns) | set(scored.columns))
    # Same method, same data: the same values under the same names.
    for name in ["score", "rank", "decile", "score_class", "contribution_imd_score", "rank_median"]:
        pd.testing.assert_series_equal(
            zones[name].reset_index(drop=True).astype(float), scored[name].reset_index(drop=True).astype(float), check_names=False
        )


def test_the_readme_says_what_each_column_is(repo):
    readme = (repo / "README.md").read_text()
    table = readme.split("<!-- columns:", 1)[1].split("<!-- /columns -->", 1)[0]
    for name, meaning in furthest.COLUMNS.items():
        shown = f"`{name}<" if name.endswith("_") else f"`{name}`"  # prefixes: contribution_<indicator> ...
        assert shown in table, name
        assert meaning.replace("|", "/") in table, name
