"""The ``furthest`` command: run, validate, demo. Errors become one readable line and exit code 2."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_INPUT = 2
EXIT_INTERNAL = 3


def _progress(stage: str, _start=[None]) -> None:  # noqa: B006 - a per-process clock
    now = time.monotonic()
    if _start[0] is None:
        _start[0] = now
    print(f"[{now - _start[0]:7.2f}s] {stage}", file=sys.stderr, flush=True)


def _report(result, verb: str) -> None:
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    zones, areas = result.zones, result.areas
    print(f"{verb}: {len(zones)} zones scored, {len(areas)} areas"
          + (f", {len(result.partners)} partners" if result.partners is not None else ""))
    if result.output_path:
        print(f"map layers: {result.output_path} (layers: zones, areas"
              + (", partners" if result.partners is not None else "") + ", zone_areas)")
        for path in result.table_paths:
            print(f"table:      {path}")
        print(f"manifest:   {result.manifest_path}")
    top = zones.sort_values("rank").head(5)
    id_column = zones.columns[0]
    print("zones in most need:")
    for _, row in top.iterrows():
        print(f"  {row['rank']:>4}  {row[id_column]}  score {row['score']:+.3f}  area {row['area_name']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="furthest", description="Furthest-first needs analysis for digital inclusion.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command")
    run_parser = commands.add_parser("run", help="run a config and write its map layers")
    run_parser.add_argument("config", type=Path)
    run_parser.add_argument("--output", type=Path, help="override [output] path (a .gpkg)")
    run_parser.add_argument("--quiet", action="store_true", help="no progress lines")
    validate_parser = commands.add_parser("validate", help="check a config and its inputs; write nothing")
    validate_parser.add_argument("config", type=Path)
    demo_parser = commands.add_parser("demo", help="run the embedded demo (Furthton, a synthetic town)")
    demo_parser.add_argument("--output", type=Path, default=Path("furthest-demo") / "furthton.gpkg",
                             help="where to write the demo's GeoPackage (default: %(default)s)")
    demo_parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    import furthest  # after argument parsing, so --help is instant

    if args.version:
        print(furthest.__version__)
        return 0
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        if args.command == "run":
            result = furthest.run(args.config, args.output, progress=None if args.quiet else _progress)
            _report(result, "run")
        elif args.command == "validate":
            result = furthest.validate(args.config)
            _report(result, "valid")
        else:
            result = furthest.run(furthest.demo_config(), args.output, progress=None if args.quiet else _progress)
            _report(result, "demo")
    except furthest.Error as error:
        print(f"furthest: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("furthest: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
