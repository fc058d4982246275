"""Same inputs, same outputs: whatever the thread count, and run after run.

The demo and the Leeds example run three times each, with ``[run] threads`` = 1, 2 and 2
again, all to the same output path. Every output (GeoPackage, CSV and XLSX tables) must be byte-identical. The manifests
must be identical apart from ``timings_seconds`` and, between thread counts, the ``threads``
the config asked for (the manifest records the config as given).
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

import furthest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"
THREADS = [1, 2, 2]


def absolute_paths(config: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The config with its relative input paths made absolute against `folder` (as a TOML
    file's are), so the dict runs from any working folder."""
    config = copy.deepcopy(config)
    sections = [config[name] for name in ("zones", "areas", "partners", "population", "monitoring") if name in config]
    for section in sections + list(config.get("indicators", [])):
        path = section["path"]
        if "${" not in path and not Path(path).is_absolute():
            section["path"] = str(folder / path)
    return config


def run_three_times(config: dict[str, Any], output: Path) -> list[tuple[dict[str, bytes], dict]]:
    """(every output file but the manifest, by name; the manifest) for 1, 2 and 2 threads."""
    runs = []
    for threads in THREADS:
        config = copy.deepcopy(config)
        config.setdefault("run", {})["threads"] = threads
        config["output"] = {"path": str(output), "tables": ["csv", "xlsx"]}
        furthest.run(config)
        manifest_path = output.with_name(output.stem + ".manifest.json")
        # Every output name (links into the version folder, which itself is skipped), the manifest aside.
        files = {p.name: p.read_bytes() for p in sorted(output.parent.iterdir()) if p != manifest_path and p.is_file()}
        assert len(files) >= 5, sorted(files)  # the GeoPackage, four CSV tables (three without partners), the XLSX
        runs.append((files, json.loads(manifest_path.read_text())))
    return runs


def comparable(manifest: dict) -> dict:
    """The manifest without what may differ between equal runs: timings, the thread count asked for."""
    manifest = copy.deepcopy(manifest)
    manifest.pop("timings_seconds")
    manifest["config"]["run"].pop("threads")
    manifest["effective_config"]["run"].pop("threads")
    return manifest


def assert_deterministic(runs: list[tuple[dict[str, bytes], dict]]) -> None:
    (files_1, manifest_1), (files_2, manifest_2), (files_2_again, manifest_2_again) = runs
    assert files_2.keys() == files_1.keys() == files_2_again.keys()
    for name in files_1:
        assert files_2[name] == files_1[name], f"{name} differs between 1 and 2 threads"
        assert files_2_again[name] == files_2[name], f"{name} differs between two runs with the same settings"
    # Same settings: everything but the timings is the same.
    same = {k: v for k, v in manifest_2.items() if k != "timings_seconds"}
    same_again = {k: v for k, v in manifest_2_again.items() if k != "timings_seconds"}
    assert same_again == same
    # Other thread count: only the requested count differs, and it is recorded as asked.
    assert comparable(manifest_1) == comparable(manifest_2)
    assert (manifest_1["config"]["run"]["threads"], manifest_2["config"]["run"]["threads"]) == (1, 2)
    assert (manifest_1["effective_config"]["run"]["threads"], manifest_2["effective_config"]["run"]["threads"]) == (1, 2)
    assert set(manifest_1["timings_seconds"]) == set(manifest_2["timings_seconds"])


def test_demo_is_byte_identical_for_any_thread_count(tmp_path: Path) -> None:
    config = absolute_paths(tomllib.loads((DEMO / "demo.toml").read_text()), DEMO)
    runs = run_three_times(config, tmp_path / "out" / "furthton.gpkg")
    assert_deterministic(runs)
    assert runs[0][1]["counts"]["zones_scored"] == 300


@pytest.mark.realdata
def test_leeds_example_is_byte_identical_for_any_thread_count(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FURTHEST_DATA", str(shared_data))
    example = REPO / "examples" / "leeds_wards.toml"
    config = absolute_paths(tomllib.loads(example.read_text()), example.parent)
    runs = run_three_times(config, tmp_path / "out" / "leeds_wards.gpkg")
    assert_deterministic(runs)
    assert runs[0][1]["counts"]["zones_scored"] == 488  # every 2021 LSOA in Leeds
