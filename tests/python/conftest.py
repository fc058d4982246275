"""Shared fixtures: the repo's demo, the shared open data (read in place), scratch folders."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo"


def _shared_data() -> Path | None:
    env = os.environ.get("FURTHEST_DATA")
    if env:
        return Path(env)
    candidate = REPO.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real open data for Leeds and England; tests using it are skipped when it is absent."""
    path = _shared_data()
    if path is None or not path.is_dir():
        pytest.skip("shared open data not found (set FURTHEST_DATA)")
    return path


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO


@pytest.fixture()
def demo_copy(demo_dir: Path, tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the demo's inputs and its config as a dict with absolute paths, writing into tmp_path/out."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_dir, folder, ignore=shutil.ignore_patterns("out", "*.py"))
    config = tomllib.loads((folder / "demo.toml").read_text())
    for section in (config["zones"], config["areas"], config["partners"], config["population"], *config["indicators"]):
        section["path"] = str(folder / section["path"])
    if "monitoring" in config:
        config["monitoring"]["path"] = str(folder / config["monitoring"]["path"])
    config["output"]["path"] = str(tmp_path / "out" / "demo.gpkg")
    return folder, config


def _full_demo_config(demo_dir: Path, folder: Path) -> dict:
    """The demo with uncertainty draws and hub siting: its partners split into the 4 existing
    Digital Health Hubs and 21 candidates, 2 new hubs in wave 1 and 1 in wave 2."""
    folder.mkdir(parents=True, exist_ok=True)
    config = tomllib.loads((demo_dir / "demo.toml").read_text())
    for section in (config["zones"], config["areas"], config["population"], *config["indicators"]):
        section["path"] = str(demo_dir / section["path"])
    if "monitoring" in config:
        config["monitoring"]["path"] = str(demo_dir / config["monitoring"]["path"])
    partners = pd.read_csv(demo_dir / "partners.csv")
    hubs = partners["type"] == "digital_health_hub"
    partners[hubs].to_csv(folder / "hubs.csv", index=False)
    partners[~hubs].to_csv(folder / "others.csv", index=False)
    given = {k: v for k, v in config.pop("partners").items() if k != "path"}
    config["partners"] = [
        {**given, "name": "hubs", "path": str(folder / "hubs.csv")},
        {**given, "name": "others", "path": str(folder / "others.csv")},
    ]
    config.setdefault("scoring", {})["uncertainty"] = {"draws": 200, "seed": 11}
    config["rollout"]["hubs"] = {"candidates": ["others"], "existing": ["hubs"], "waves": [2, 1]}
    config["output"]["path"] = str(folder / "out" / "full.gpkg")
    config["report"] = {
        "title": "Furthton: where digital support goes next",
        "attribution": ["Contains OS data © Crown copyright and database right 2025", "Furthton is synthetic: not a real place"],
    }
    return config


@pytest.fixture(scope="session")
def full(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo run with everything the maps and the report show (one run for both test files)."""
    import furthest

    return furthest.run(_full_demo_config(demo_dir, tmp_path_factory.mktemp("full")))
