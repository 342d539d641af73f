"""The planner on public instances with known answers (TSPLIB optima, Solomon best-known)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from fieldcrm.routing.benchmarks import solve_solomon, solve_tsplib
from fieldcrm.routing.instances import (
    read_solomon,
    read_tsplib,
    read_tsplib_tour,
    solomon_violations,
)

DATA = Path(
    os.environ.get(
        "FIELDCRM_ROUTING_DATA",
        Path(__file__).resolve().parents[3] / "shared" / "data" / "routing",
    )
)
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"routing data not found at {DATA}")


def parse_route_file(path: Path) -> list[list[int]]:
    return [
        [int(v) for v in line.split(":", 1)[1].split()]
        for line in path.read_text().splitlines()
        if line.startswith("Route")
    ]


def test_tsplib_lengths_follow_the_nint_convention():
    berlin = read_tsplib(DATA / "berlin52.tsp")
    tour = read_tsplib_tour(DATA / "berlin52.opt.tour")

    assert len(berlin.points) == 52
    assert sorted(tour) == list(range(52))
    assert berlin.tour_length(tour) == 7542  # the proven optimum, not 7544.37


def test_solomon_checker_accepts_the_published_c101_routes_and_catches_a_broken_one():
    c101 = read_solomon(DATA / "C101.txt")
    routes = parse_route_file(DATA / "C101.sol")

    assert (len(c101.customers), c101.capacity) == (101, 200)
    assert solomon_violations(c101, routes) == []
    assert round(c101.routes_length(routes), 2) == 828.94

    swapped = [routes[0][::-1], *routes[1:]]
    assert any("after due" in p for p in solomon_violations(c101, swapped))
    assert any("missing" in p for p in solomon_violations(c101, routes[1:]))


@pytest.mark.parametrize("name, optimum", [("berlin52", 7542), ("eil51", 426)])
def test_tour_within_two_percent_of_the_optimum_in_two_seconds(name, optimum):
    instance = read_tsplib(DATA / f"{name}.tsp")

    began = time.monotonic()
    result = solve_tsplib(instance, seconds=1.5)
    elapsed = time.monotonic() - began

    assert sorted(result.tour) == list(range(len(instance.points)))
    assert instance.tour_length(result.tour) == result.length
    assert result.length <= optimum * 1.02
    assert elapsed <= 2.0


def test_c101_serves_every_customer_within_windows_and_capacity():
    c101 = read_solomon(DATA / "C101.txt")

    result = solve_solomon(c101, seconds=4)

    assert solomon_violations(c101, result.routes) == []
    assert sorted(c for r in result.routes for c in r) == list(range(1, 101))
    assert result.length <= 828.94 * 1.05
