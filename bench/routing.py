"""Route optimisation on public instances: TSPLIB tours and Solomon VRPTW.

    python -m bench.routing FILE [--seconds S] --json
    python -m bench.routing --all [--data-dir DIR] [--json]

One JSON line per instance. Lengths follow each file's convention (TSPLIB:
nint per arc; Solomon: double precision) and feasibility is checked by
:mod:`fieldcrm.routing.instances`, not taken from the solver.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from fieldcrm.routing.benchmarks import solve_solomon, solve_tsplib
from fieldcrm.routing.instances import (
    is_solomon,
    read_solomon,
    read_tsplib,
    read_tsplib_tour,
    solomon_violations,
)

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "routing"

# Proven optima (TSPLIB) and best-known (vehicles, distance) from the data README.
TSPLIB_OPTIMUM = {
    "berlin52": 7542, "eil51": 426, "st70": 675, "eil76": 538, "kroA100": 21282, "pr76": 108159,
}
SOLOMON_BEST_KNOWN = {
    "C101": (10, 828.94), "C201": (3, 591.56), "R101": (19, 1650.80),
    "RC101": (14, 1696.95), "R201": (4, 1252.37),
}
TSP_SECONDS = 1.5
VRPTW_SECONDS = 9.0


def bench_file(path: Path, seconds: float | None = None) -> dict:
    if path.suffix == ".tsp":
        return _bench_tsplib(path, seconds or TSP_SECONDS)
    if path.suffix == ".txt":
        return _bench_solomon(path, seconds or VRPTW_SECONDS)
    raise SystemExit(f"{path}: expected a TSPLIB .tsp or a Solomon .txt file")


def _bench_tsplib(path: Path, seconds: float) -> dict:
    began = time.monotonic()
    instance = read_tsplib(path)
    result = solve_tsplib(instance, seconds)
    elapsed = time.monotonic() - began
    row = {
        "instance": instance.name,
        "kind": "tsplib",
        "length": result.length,
        "seconds": round(elapsed, 3),
        "feasible": sorted(result.tour) == list(range(len(instance.points))),
        "nodes": len(instance.points),
        "ortools_length": result.solver_length,
        "vehicles": 1,
    }
    optimum = TSPLIB_OPTIMUM.get(instance.name)
    opt_tour = path.with_suffix(".opt.tour")
    if opt_tour.exists():
        row["opt_tour_length"] = instance.tour_length(read_tsplib_tour(opt_tour))
    if optimum:
        row["optimum"] = optimum
        row["gap_pct"] = round(100 * (result.length - optimum) / optimum, 3)
    return row


def _bench_solomon(path: Path, seconds: float) -> dict:
    began = time.monotonic()
    instance = read_solomon(path)
    result = solve_solomon(instance, seconds)
    elapsed = time.monotonic() - began
    problems = solomon_violations(instance, result.routes)
    row = {
        "instance": instance.name,
        "kind": "solomon",
        "length": round(result.length, 2),
        "seconds": round(elapsed, 3),
        "feasible": not problems,
        "vehicles": len(result.routes),
        "customers_served": sum(len(r) for r in result.routes),
        "customers": len(instance.customers) - 1,
    }
    if problems:
        row["violations"] = problems[:5]
    best = SOLOMON_BEST_KNOWN.get(instance.name)
    if best:
        row["best_known_vehicles"], row["best_known"] = best
        row["gap_pct"] = round(100 * (result.length - best[1]) / best[1], 3)
    return row


def instance_files(data_dir: Path) -> list[Path]:
    solomon = [p for p in sorted(data_dir.glob("*.txt")) if is_solomon(p)]
    return sorted(data_dir.glob("*.tsp")) + solomon


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.routing", description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, help="a .tsp or Solomon .txt instance")
    parser.add_argument("--all", action="store_true", help="every instance in --data-dir")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seconds", type=float, help="search time per instance")
    parser.add_argument("--json", action="store_true", help="one JSON line per instance")
    args = parser.parse_args(argv)
    if args.all == (args.file is not None):
        parser.error("give one FILE or --all")
    files = instance_files(args.data_dir) if args.all else [args.file]
    if not files:
        parser.error(f"no instances in {args.data_dir}")
    for path in files:
        row = bench_file(path, args.seconds)
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            gap = f"{row['gap_pct']:+.2f}%" if "gap_pct" in row else "—"
            print(f"{row['instance']:>10}  length {row['length']:>10}  gap {gap:>8}  "
                  f"vehicles {row['vehicles']:>2}  feasible {row['feasible']}  "
                  f"{row['seconds']:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
