"""Faults from outside: a run killed mid-write, a read-only output folder, a full disk.

Each test runs the real command line in a child process and checks what a planner would see
afterwards: earlier outputs byte-identical and still readable, one clear error line with
exit code 2, and no partial file under an output's real name.

The killed runs need a run that writes for a while: a synthetic grid of 8,100 zones with 64
vertices each (about 10 MB of GeoPackage, written in roughly half a second), made once per
session in a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import furthest

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
GRID = 90  # zones per side of the synthetic grid
CELL = 100.0  # metres


def furthest_command() -> list[str]:
    script = Path(sys.executable).with_name("furthest")
    return [str(script)] if script.exists() else [sys.executable, "-m", "furthest"]


def toml_config(zones: Path, areas: Path, table: Path, output: Path, direction: str) -> str:
    return (
        '[run]\ncrs = "EPSG:27700"\n\n'
        f'[zones]\npath = "{zones}"\nid = "code"\n\n'
        f'[areas]\npath = "{areas}"\nid = "area"\n\n'
        f'[[indicators]]\npath = "{table}"\nkey = "code"\ncolumn = "need"\ndirection = "{direction}"\n\n'
        f'[output]\npath = "{output}"\n'
    )


class Synthetic:
    """A grid of square zones with extra vertices on every edge, two areas, one indicator."""

    def __init__(self, folder: Path):
        self.folder = folder
        i, j = np.meshgrid(np.arange(GRID), np.arange(GRID), indexing="ij")
        corner = np.c_[400000.0 + i.ravel() * CELL, 400000.0 + j.ravel() * CELL]
        t = np.linspace(0.0, 1.0, 16, endpoint=False)
        zero, one = np.zeros_like(t), np.ones_like(t)
        edge = np.concatenate([np.c_[t, zero], np.c_[one, t], np.c_[1 - t, one], np.c_[zero, 1 - t]]) * CELL
        rings = edge[None, :, :] + corner[:, None, :]
        polygons = shapely.polygons(np.concatenate([rings, rings[:, :1]], axis=1))
        codes = [f"Z{k:05d}" for k in range(len(polygons))]
        self.zones = folder / "zones.gpkg"
        gpd.GeoDataFrame({"code": codes}, geometry=polygons, crs=27700).to_file(self.zones, layer="zones")
        half = 400000.0 + GRID * CELL / 2
        self.areas = folder / "areas.gpkg"
        gpd.GeoDataFrame(
            {"area": ["WEST", "EAST"]},
            geometry=[
                shapely.box(400000.0, 400000.0, half, 400000.0 + GRID * CELL),
                shapely.box(half, 400000.0, 400000.0 + GRID * CELL, 400000.0 + GRID * CELL),
            ],
            crs=27700,
        ).to_file(self.areas, layer="areas")
        self.table = folder / "need.csv"
        need = np.random.default_rng(5).normal(size=len(codes)).round(4)
        pd.DataFrame({"code": codes, "need": need}).to_csv(self.table, index=False)

    def config(self, where: Path, output: Path, direction: str) -> Path:
        path = where / f"run_{direction}.toml"
        path.write_text(toml_config(self.zones, self.areas, self.table, output, direction))
        return path


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Synthetic:
    return Synthetic(tmp_path_factory.mktemp("synthetic"))


class Child:
    """The CLI in a child process, its stderr collected line by line as it comes."""

    def __init__(self, *args: str | os.PathLike[str]):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            furthest_command() + [os.fspath(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_until(self, condition: Callable[[], bool], timeout: float = 120.0) -> bool:
        """Poll (every millisecond) until `condition` holds; False if the child exited first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.process.poll() is not None:
                return condition()
            time.sleep(0.001)
        raise TimeoutError("the run neither reached the moment nor finished")

    def kill(self) -> int:
        self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        return code


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def assert_readable(gpkg: Path, manifest: Path, n_zones: int) -> None:
    assert {"zones", "areas", "zone_areas"} <= set(pyogrio.list_layers(gpkg)[:, 0])
    assert pyogrio.read_info(gpkg, layer="zones")["features"] == n_zones
    record = json.loads(manifest.read_text())
    assert record["counts"]["zones"] == n_zones
    # The manifest vouches for the files beside it: same bytes as when it was written.
    assert [o["path"] for o in record["outputs"]][0] == str(gpkg)  # the GeoPackage first, then any tables
    for output in record["outputs"]:
        data = Path(output["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (output["size_bytes"], output["sha256"]), output["path"]


# --------------------------------------------------------------------------------------------
# (a) SIGKILL at several moments of a real run
# --------------------------------------------------------------------------------------------

MOMENTS = ["reading", "temporary file created", "half written"]


@pytest.mark.parametrize("moment", MOMENTS)
def test_sigkill_leaves_earlier_outputs_intact(synthetic: Synthetic, tmp_path: Path, moment: str) -> None:
    out = tmp_path / "out"
    gpkg, manifest = out / "grid.gpkg", out / "grid.manifest.json"
    # The earlier outputs come from a run that ranks the other way, so the killed run's
    # GeoPackage would differ in every score: any overwrite would show.
    furthest.run(synthetic.config(tmp_path, gpkg, "lower_is_more_need"))
    before = snapshot(out)
    assert set(before) == {"grid.gpkg", "grid.manifest.json"}

    child = Child("run", synthetic.config(tmp_path, gpkg, "higher_is_more_need"))
    # The killed run writes into its own version folder, .grid.furthest/runs/<time>-<pid>/.
    runs = out / ".grid.furthest" / "runs"

    def temporary() -> Path | None:
        return next(iter(runs.glob(f"*-{child.process.pid}/grid.gpkg")), None)

    reached = {
        "reading": lambda: any("reading zones" in line for line in child.lines),
        "temporary file created": lambda: temporary() is not None,
        "half written": lambda: (
            (t := temporary()) is not None and t.exists() and t.stat().st_size > len(before["grid.gpkg"]) // 2
        ),
    }[moment]
    assert child.wait_until(reached), f"the run finished before '{moment}'"
    assert child.kill() == -signal.SIGKILL, "the run finished before it could be killed"

    after = snapshot(out)
    # Nothing under an output's real name changed, and nothing new appeared beside them: what a
    # kill can leave is the killed run's version folder.
    assert after == before
    assert_readable(gpkg, manifest, GRID * GRID)
    leftovers = sorted(p.name for p in runs.glob(f"*-{child.process.pid}"))

    # The next run is not disturbed by the leftovers, replaces both outputs and clears the
    # killed run's folder, saying so.
    furthest.run(synthetic.config(tmp_path, gpkg, "higher_is_more_need"))
    assert gpkg.read_bytes() != before["grid.gpkg"]
    assert manifest.read_bytes() != before["grid.manifest.json"]
    assert_readable(gpkg, manifest, GRID * GRID)
    assert set(snapshot(out)) == set(before)
    assert not list(runs.glob(f"*-{child.process.pid}"))
    warnings = [w["message"] for w in json.loads(manifest.read_text())["warnings"]]
    for name in leftovers:
        assert any(name in w and "killed" in w for w in warnings), (name, warnings)


# --------------------------------------------------------------------------------------------
# (b) a read-only output folder, for root too
# --------------------------------------------------------------------------------------------


def demo_config(tmp_path: Path, output: Path) -> Path:
    """The demo's config with absolute input paths (read in place) and `output`."""
    text = (DEMO / "demo.toml").read_text()
    for name in ["zones.gpkg", "areas.geojson", "indicators.csv", "partners.csv", "activity.csv"]:
        text = text.replace(f'"{name}"', json.dumps(str(DEMO / name)))
    text = text.replace('"out/furthton.gpkg"', json.dumps(str(output)))
    path = tmp_path / "demo.toml"
    path.write_text(text)
    return path


def without_root_privileges() -> list[str]:
    """A command prefix under which root obeys file permissions like any user."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: root would write anyway")
    caps = "-dac_override,-dac_read_search,-fowner"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    # Dropping from the bounding set needs CAP_SETPCAP, which some containers withhold.
    if subprocess.run(prefix + ["true"], capture_output=True).returncode != 0:
        pytest.skip("setpriv cannot drop root's file-permission capabilities here")
    return prefix


@pytest.mark.parametrize("output_in", ["read-only folder", "new folder inside a read-only folder"])
def test_read_only_output_folder_is_a_clear_output_error(tmp_path: Path, output_in: str) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    output = locked / "result.gpkg" if output_in == "read-only folder" else locked / "new" / "result.gpkg"
    config = demo_config(tmp_path, output)
    locked.chmod(0o555)
    try:
        result = subprocess.run(
            without_root_privileges() + furthest_command() + ["run", "--quiet", str(config)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    if output_in == "read-only folder":
        assert lines[0] == f"furthest: error: output folder '{locked}' is not writable"
    else:
        assert lines[0].startswith(f"furthest: error: cannot create output folder '{locked / 'new'}'")
        assert "denied" in lines[0]
    assert list(locked.iterdir()) == []


# --------------------------------------------------------------------------------------------
# (c) a full disk
# --------------------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 2 MiB tmpfs: room for the demo's outputs, not for the synthetic grid's."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        pytest.skip("a tiny file system needs root and mount")
    done = subprocess.run([mount, "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_disk_is_a_clear_output_error_and_writes_nothing(synthetic: Synthetic, tmp_path: Path, tiny_disk: Path) -> None:
    out = tiny_disk / "out"
    earlier = out / "furthton.gpkg"
    furthest.run(demo_config(tmp_path, earlier))
    before = snapshot(out)
    assert set(before) == {"furthton.gpkg", "furthton.manifest.json"}

    big = out / "grid.gpkg"
    result = subprocess.run(
        furthest_command() + ["run", "--quiet", str(synthetic.config(tmp_path, big, "higher_is_more_need"))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("furthest: error: "), lines[0]
    assert str(out) in lines[0] and "full" in lines[0], lines[0]
    # No partial output, no temporary file, no journal: the folder is as it was.
    assert snapshot(out) == before
    assert_readable(earlier, out / "furthton.manifest.json", 300)
    assert shutil.disk_usage(tiny_disk).free > 1_000_000, "the failed run's temporary file was not removed"


# --------------------------------------------------------------------------------------------
# (d) outputs committed as a set: one pointer, a failed commit changes nothing, one writer
# --------------------------------------------------------------------------------------------


def with_tables(config: Path, *tables: str) -> Path:
    text = config.read_text()
    config.write_text(text.replace("\n[output]\n", f"\n[output]\ntables = {json.dumps(list(tables))}\n", 1))
    assert "tables = " in config.read_text()
    return config


def test_every_output_is_a_link_through_one_pointer(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gpkg = out / "furthton.gpkg"
    furthest.run(with_tables(demo_config(tmp_path, gpkg), "csv", "xlsx"))
    names = set(snapshot(out))
    assert {"furthton.gpkg", "furthton.manifest.json", "furthton.xlsx", "furthton.zones.csv"} <= names
    for name in names:
        assert os.readlink(out / name) == f".furthton.furthest/current/{name}"
    current = out / ".furthton.furthest" / os.readlink(out / ".furthton.furthest" / "current")
    record = json.loads((current / "furthton.manifest.json").read_text())
    # The version folder is a whole set: its manifest vouches for every file beside it.
    for output in record["outputs"]:
        data = (current / Path(output["path"]).name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == output["sha256"], output["path"]

    # A later set without the tables: their names go with the set they belonged to.
    furthest.run(demo_config(tmp_path, gpkg))
    assert set(snapshot(out)) == {"furthton.gpkg", "furthton.manifest.json"}
    assert not [p for p in out.iterdir() if p.is_symlink() and not p.exists()], "dangling links left"


def test_a_reader_never_sees_a_mix_of_two_runs(synthetic: Synthetic, tmp_path: Path) -> None:
    """A reader that resolves the pointer once reads one run's files while another run commits."""
    out = tmp_path / "out"
    gpkg = out / "grid.gpkg"
    furthest.run(synthetic.config(tmp_path, gpkg, "lower_is_more_need"))
    pointer = out / ".grid.furthest" / "current"
    first = os.readlink(pointer)
    child = Child("run", synthetic.config(tmp_path, gpkg, "higher_is_more_need"))
    seen: set[str] = set()
    while child.process.poll() is None or len(seen) < 2:
        version = out / ".grid.furthest" / os.readlink(pointer)
        record = json.loads((version / "grid.manifest.json").read_text())
        data = (version / "grid.gpkg").read_bytes()
        assert hashlib.sha256(data).hexdigest() == record["outputs"][0]["sha256"]
        seen.add(version.name)
        if child.process.poll() is not None:
            break
    assert child.process.wait(timeout=120) == 0, child.lines
    assert os.readlink(pointer) != first
    assert_readable(gpkg, out / "grid.manifest.json", GRID * GRID)


def test_a_failed_commit_leaves_the_previous_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    gpkg = out / "furthton.gpkg"
    furthest.run(with_tables(demo_config(tmp_path, gpkg), "csv"))
    before = snapshot(out)
    versions = sorted((out / ".furthton.furthest" / "runs").iterdir())
    # The workbook's name is taken by a folder: found only when the new set is put in place,
    # after every file of it was written.
    (out / "furthton.xlsx").mkdir()
    config = with_tables(demo_config(tmp_path, gpkg), "csv", "xlsx")
    done = subprocess.run(furthest_command() + ["run", "--quiet", str(config)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"'{out / 'furthton.xlsx'}'" in lines[0], lines
    assert ".furthest/runs" not in lines[0], "the message names a temporary place"
    assert snapshot(out) == before
    assert sorted((out / ".furthton.furthest" / "runs").iterdir()) == versions
    assert_readable(gpkg, out / "furthton.manifest.json", 300)


def test_a_second_run_to_the_same_output_is_refused(synthetic: Synthetic, tmp_path: Path) -> None:
    out = tmp_path / "out"
    gpkg = out / "grid.gpkg"
    config = synthetic.config(tmp_path, gpkg, "higher_is_more_need")
    child = Child("run", config)
    runs = out / ".grid.furthest" / "runs"
    assert child.wait_until(lambda: any(runs.glob(f"*-{child.process.pid}"))), "the run finished before writing"
    started = time.monotonic()
    with pytest.raises(furthest.OutputError, match=rf"is being written by another run \(process {child.process.pid} on "):
        furthest.run(config)
    assert time.monotonic() - started < 5, "refused only after reading every input"
    assert child.process.wait(timeout=120) == 0, child.lines
    assert_readable(gpkg, out / "grid.manifest.json", GRID * GRID)
    # The lock is released with its run: the next run goes ahead.
    furthest.run(config)
