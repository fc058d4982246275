"""Shared fixtures: the repo's demo, the shared open data (read in place), scratch folders."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

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
    config["output"]["path"] = str(tmp_path / "out" / "demo.gpkg")
    return folder, config
