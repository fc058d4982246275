"""The ``furthest`` command: run, validate, demo, report. Errors become one readable line and exit code 2;
Ctrl-C and SIGTERM stop a run within about a second, leave earlier outputs untouched and exit 130."""

from __future__ import annotations

import argparse
import contextlib
import math
import signal
import sys
import time
from pathlib import Path

EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class _Progress:
    """Progress on stderr: on a terminal one line redrawn with the step's bar; otherwise (a log,
    a pipe) one timestamped line the first time each step starts, and no bar."""

    def __init__(self, stream=sys.stderr) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._start = time.monotonic()
        self._step: str | None = None
        self._logged: set[str] = set()
        self._drawn = 0.0

    def __call__(self, step: str, fraction: float) -> None:
        now = time.monotonic()
        if step != self._step:
            if self._tty and self._step is not None:
                self._stream.write("\n")
            self._step = step
            self._drawn = 0.0
            if not self._tty and step not in self._logged:
                self._logged.add(step)
                print(f"[{now - self._start:7.2f}s] {step}", file=self._stream, flush=True)
        if self._tty and (now - self._drawn > 0.1 or fraction == 1.0):
            self._drawn = now
            if math.isnan(fraction):
                bar = ""
            else:
                filled = round(30 * min(max(fraction, 0.0), 1.0))
                bar = f" [{'#' * filled}{'.' * (30 - filled)}] {100 * fraction:5.1f}%"
            self._stream.write(f"\r[{now - self._start:7.2f}s] {step}{bar}\033[K")
            self._stream.flush()

    def finish(self) -> None:
        if self._tty and self._step is not None:
            self._stream.write("\n")
            self._stream.flush()


def _report(result, verb: str) -> None:
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    zones = result.zones
    counts = ", ".join(f"{len(table)} {name}" for name, table in result.items() if name != "zones")
    print(f"{verb}: {len(zones)} zones scored, {counts}")
    if result.output_path:
        print(f"map layers: {result.output_path} (layers: {', '.join(result)})")
        for path in result.table_paths:
            print(f"table:      {path}")
        print(f"manifest:   {result.manifest_path}")
    top = zones.sort_values("rank").head(5)
    id_column = zones.columns[0]
    print("zones in most need:")
    for _, row in top.iterrows():
        name = row.get("zone_name")
        label = f"{row[id_column]} {name}" if isinstance(name, str) and name else str(row[id_column])
        area = row["area_name"] if isinstance(row["area_name"], str) and row["area_name"] else "(in no area)"
        print(f"  {row['rank']:>4}  {label}  score {row['score']:+.3f}  area {area}")
    _report_reach(result)


def _report_reach(result) -> None:
    """With [monitoring]: whether reach goes furthest first, and the areas behind plan."""
    monitoring = result.manifest.get("monitoring") if isinstance(result.manifest, dict) else None
    if not monitoring:
        return
    from furthest.monitor_charts import lean

    print("is it reaching the furthest first?")
    for entry in monitoring.get("equity") or []:
        lower, upper = (math.nan if v is None else v for v in entry.get("interval") or [None, None])
        level = round(100 * entry.get("level", 0.9))
        print(
            f"  {entry['measure']}: concentration index {entry['concentration_index']:+.3f} "
            f"({level}% interval {lower:+.3f} to {upper:+.3f}): {lean(lower, upper)}"
        )
    behind = [item["area"] for item in (monitoring.get("plan_progress") or {}).get("behind_plan") or []]
    if behind:
        print(f"  behind plan: {', '.join(behind)}")


def _default_report_path(result, config: Path) -> Path:
    """Beside the run's GeoPackage (out/leeds.gpkg -> out/leeds.report.html), else beside the config."""
    if result.output_path:
        layers = Path(result.output_path)
        return layers.with_name(layers.stem + ".report.html")
    return config.with_name(config.stem + ".report.html")


def _interrupt_on_sigterm() -> None:
    """SIGTERM (a batch scheduler, `kill`) stops a run the way Ctrl-C does."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread (tests calling main() from a worker)
        signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="furthest", description="Furthest-first needs analysis for digital inclusion.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command")
    run_parser = commands.add_parser("run", help="run a config and write its map layers")
    run_parser.add_argument("config", type=Path)
    run_parser.add_argument("--output", type=Path, help="override [output] path (a .gpkg)")
    run_parser.add_argument("--quiet", action="store_true", help="no progress")
    validate_parser = commands.add_parser("validate", help="check a config and its inputs; write nothing")
    validate_parser.add_argument("config", type=Path)
    validate_parser.add_argument("--output", type=Path, help="check this [output] path instead (a .gpkg)")
    report_parser = commands.add_parser("report", help="run a config, then write the planner's report (one HTML file)")
    report_parser.add_argument("config", type=Path)
    report_parser.add_argument(
        "--output", type=Path, help="the report to write (default: beside the map layers, <name>.report.html)"
    )
    report_parser.add_argument("--layers", type=Path, help="override [output] path (a .gpkg)")
    report_parser.add_argument("--quiet", action="store_true", help="no progress")
    demo_parser = commands.add_parser("demo", help="run the embedded demo (Furthton, a synthetic town)")
    demo_parser.add_argument(
        "--output",
        type=Path,
        default=Path("furthest-demo") / "furthton.gpkg",
        help="where to write the demo's GeoPackage (default: %(default)s)",
    )
    demo_parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    _interrupt_on_sigterm()
    import furthest  # after argument parsing, so --help is instant

    if args.version:
        print(furthest.__version__)
        return 0
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    progress = None if getattr(args, "quiet", False) else _Progress()
    try:
        if args.command == "run":
            result = furthest.run(args.config, args.output, progress=progress)
            verb = "run"
        elif args.command == "report":
            result = furthest.run(args.config, args.layers, progress=progress)
            verb = "run"
        elif args.command == "validate":
            result = furthest.validate(args.config, args.output)
            verb = "valid"
        else:
            result = furthest.run(furthest.demo_config(), args.output, progress=progress)
            verb = "demo"
        if progress is not None:
            progress.finish()
        _report(result, verb)
        if args.command == "report":
            from furthest.report import write_report

            path = write_report(result, args.output or _default_report_path(result, args.config))
            print(f"report:     {path}")
    except furthest.Error as error:
        if progress is not None:
            progress.finish()
        print(f"furthest: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as error:  # the report could not be written (the run's outputs are committed)
        print(f"furthest: error: cannot write the report: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        if progress is not None:
            progress.finish()
        print("furthest: interrupted; earlier outputs are untouched", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main())
