"""The furthest command line: demo, run, validate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyogrio

import furthest

FURTHEST = [str(Path(sys.executable).with_name("furthest"))]


def call(*args, cwd=None):
    return subprocess.run(FURTHEST + list(args), capture_output=True, text=True, cwd=cwd, timeout=300)


def test_demo_prints_where_the_layers_went(tmp_path):
    out = tmp_path / "demo" / "furthton.gpkg"
    done = call("demo", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert f"map layers: {out}" in done.stdout
    assert "reading zones" in done.stderr  # progress lines
    assert out.exists() and out.with_name("furthton.manifest.json").exists()
    # The demo's programme log, answered in two lines: the lean of reach and who is behind plan.
    assert "people_helped: concentration index -0." in done.stdout and "reach goes to higher need" in done.stdout
    assert "behind plan: Southbank LCP, Hollin Vale LCP" in done.stdout


def test_run_and_validate(tmp_path, demo_dir):
    out = tmp_path / "run.gpkg"
    done = call("run", str(demo_dir / "demo.toml"), "--output", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" or "warning" in done.stderr
    assert set(pyogrio.list_layers(out)[:, 0]) - {"layer_styles"} == set(furthest.output_tables(demo_dir / "demo.toml"))
    assert {"rollout", "partner_quality"} <= set(pyogrio.list_layers(out)[:, 0])
    checked = call("validate", str(demo_dir / "demo.toml"), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "valid: 300 zones scored, 6 areas, 25 partners" in checked.stdout
    assert not (demo_dir / "out").exists() or not any((demo_dir / "out").glob("*.tmp-*"))


def test_version_and_errors_exit_codes(tmp_path):
    done = call("--version")
    assert done.returncode == 0 and done.stdout.strip().count(".") == 2
    missing = call("run", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("furthest: error: config ") and "does not exist" in missing.stderr
