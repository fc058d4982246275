"""Stopping: Ctrl-C (SIGINT) and SIGTERM end a run within about a second, from Python and from
the command line, and leave every earlier output untouched."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import furthest

# Long enough that no machine finishes it in the test's time: 1,000,000 Monte Carlo draws.
DRAWS = 1_000_000


def _long_config(demo_dir, output):
    return {
        "zones": {"path": str(demo_dir / "zones.gpkg"), "id": "zone_code"},
        "areas": {"path": str(demo_dir / "areas.geojson"), "id": "lcp_code", "name": "lcp_name"},
        "indicators": [
            {"path": str(demo_dir / "indicators.csv"), "key": "zone_code", "column": column, "direction": direction}
            for column, direction in [
                ("imd_score", "higher_is_more_need"),
                ("digital_propensity", "lower_is_more_need"),
                ("pct_65plus", "higher_is_more_need"),
            ]
        ],
        "scoring": {"uncertainty": {"draws": DRAWS, "seed": 1}},
        "output": {"path": str(output)},
    }


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_ctrl_c_stops_a_python_run_within_a_second_and_writes_nothing(demo_dir, tmp_path):
    output = tmp_path / "out" / "run.gpkg"
    config = _long_config(demo_dir, output)
    quick = dict(config, scoring={"uncertainty": {"draws": 10, "seed": 1}})
    furthest.run(quick)  # last month's outputs
    before = _digests(output.parent)

    steps: list[tuple[str, float]] = []
    sent: list[float] = []

    def interrupt_once_drawing() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(s == "uncertainty draws" for s, _ in steps):
            time.sleep(0.02)
        time.sleep(0.3)
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_once_drawing, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        furthest.run(config, progress=lambda step, fraction: steps.append((step, fraction)))
    waited = time.monotonic() - sent[0]
    assert waited < 1.5, waited
    assert _digests(output.parent) == before  # nothing replaced, no temporary left
    assert any(0 < fraction < 1 for step, fraction in steps if step == "uncertainty draws")


def _cli() -> str:
    return str(Path(sys.executable).with_name("furthest"))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_command_line_with_exit_130(demo_dir, tmp_path, signum):
    output = tmp_path / "run.gpkg"
    config = _long_config(demo_dir, output)
    lines = []
    for section in ("zones", "areas", "output"):
        lines.append(f"[{section}]")
        lines += [f'{k} = "{v}"' for k, v in config[section].items()]
    for indicator in config["indicators"]:
        lines.append("[[indicators]]")
        lines += [f'{k} = "{v}"' for k, v in indicator.items()]
    lines += ["[scoring.uncertainty]", f"draws = {DRAWS}", "seed = 1"]
    toml = tmp_path / "long.toml"
    toml.write_text("\n".join(lines) + "\n")

    process = subprocess.Popen([_cli(), "run", str(toml)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Wait for the draws to start (the progress lines say so), then signal.
    seen = ""
    deadline = time.monotonic() + 120
    while "scoring" not in seen and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen += line
    time.sleep(0.5)
    sent = time.monotonic()
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    waited = time.monotonic() - sent
    assert process.returncode == 130, (seen, err)
    assert "interrupted" in err
    assert waited < 2.0, waited
    assert not output.exists()
    assert not list(tmp_path.glob(".*tmp-*"))
