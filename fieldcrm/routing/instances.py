"""Public benchmark instances: TSPLIB EUC_2D tours and Solomon VRPTW.

Each format has its own length convention and this module keeps both:

* TSPLIB: every arc is ``nint(euclid)`` and the tour length is the sum of the
  integer arcs (that is how TSPLIB's proven optima are stated).
* Solomon: distances in double precision, travel time equals distance, waiting
  allowed, service time from the file, every vehicle back at the depot by the
  depot's due date; fewest vehicles first, then distance.

The checks here recompute everything from the file, never from a solver.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TsplibInstance:
    name: str
    points: list[tuple[float, float]]  # node i of the file is points[i - 1]

    def arc(self, i: int, j: int) -> int:
        (xi, yi), (xj, yj) = self.points[i], self.points[j]
        return int(math.sqrt((xi - xj) ** 2 + (yi - yj) ** 2) + 0.5)

    def tour_length(self, tour: list[int]) -> int:
        """Closed tour over 0-based node indices, TSPLIB convention."""
        return sum(self.arc(a, b) for a, b in zip(tour, tour[1:] + tour[:1]))


@dataclass(frozen=True)
class SolomonCustomer:
    number: int
    x: float
    y: float
    demand: int
    ready: float
    due: float
    service: float


@dataclass(frozen=True)
class SolomonInstance:
    name: str
    vehicles: int
    capacity: int
    customers: list[SolomonCustomer]  # index 0 is the depot

    def distance(self, i: int, j: int) -> float:
        a, b = self.customers[i], self.customers[j]
        return math.hypot(a.x - b.x, a.y - b.y)

    def routes_length(self, routes: list[list[int]]) -> float:
        total = 0.0
        for route in routes:
            path = [0, *route, 0]
            total += sum(self.distance(a, b) for a, b in zip(path, path[1:]))
        return total


def read_tsplib(path: str | Path) -> TsplibInstance:
    """Read a TSPLIB ``.tsp`` file with ``EDGE_WEIGHT_TYPE: EUC_2D``."""
    header: dict[str, str] = {}
    points: dict[int, tuple[float, float]] = {}
    in_coords = False
    for line in Path(path).read_text().splitlines():
        text = line.strip()
        if not text or text == "EOF":
            continue
        if text.startswith("NODE_COORD_SECTION"):
            in_coords = True
        elif in_coords and re.match(r"^-?\d", text):
            number, x, y = text.split()[:3]
            points[int(number)] = (float(x), float(y))
        elif ":" in text:
            key, value = text.split(":", 1)
            header[key.strip().upper()] = value.strip()
            in_coords = False
    kind = header.get("EDGE_WEIGHT_TYPE", "EUC_2D")
    if kind != "EUC_2D":
        raise ValueError(f"{path}: EDGE_WEIGHT_TYPE {kind} is not supported (EUC_2D only)")
    dimension = int(header.get("DIMENSION", len(points)))
    if sorted(points) != list(range(1, dimension + 1)):
        raise ValueError(f"{path}: expected nodes 1..{dimension}, found {len(points)}")
    name = header.get("NAME", Path(path).stem)
    return TsplibInstance(name, [points[i] for i in range(1, dimension + 1)])


def read_tsplib_tour(path: str | Path) -> list[int]:
    """A TSPLIB ``.opt.tour`` as 0-based node indices (stops at the first negative value)."""
    text = Path(path).read_text()
    if "TOUR_SECTION" in text:
        text = text.split("TOUR_SECTION", 1)[1]
    tour: list[int] = []
    for token in text.split():
        if re.fullmatch(r"-?\d+", token):
            value = int(token)
            if value < 0:
                break
            tour.append(value - 1)
    return tour


def is_solomon(path: str | Path) -> bool:
    """Whether ``path`` holds a Solomon instance (it has a VEHICLE and a CUSTOMER block)."""
    text = Path(path).read_text()
    return "VEHICLE" in text and "CUSTOMER" in text


def read_solomon(path: str | Path) -> SolomonInstance:
    """Read a Solomon VRPTW ``.txt`` file (name, VEHICLE block, CUSTOMER rows; row 0 is the depot)."""
    lines = Path(path).read_text().splitlines()
    name = lines[0].strip()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("NUMBER"))
    vehicles, capacity = (int(v) for v in lines[at + 1].split())
    customers = []
    for line in lines[at + 2 :]:
        parts = line.split()
        if len(parts) == 7 and all(re.fullmatch(r"-?\d+(\.\d+)?", p) for p in parts):
            number, x, y, demand, ready, due, service = (float(p) for p in parts)
            customers.append(
                SolomonCustomer(int(number), x, y, int(demand), ready, due, service)
            )
    if [c.number for c in customers] != list(range(len(customers))):
        raise ValueError(f"{path}: customer rows must be numbered 0..n with the depot first")
    return SolomonInstance(name, vehicles, capacity, customers)


def solomon_violations(instance: SolomonInstance, routes: list[list[int]]) -> list[str]:
    """Every broken rule of ``routes`` under the Solomon convention (empty: feasible)."""
    problems = []
    seen: list[int] = []
    used = [r for r in routes if r]
    if len(used) > instance.vehicles:
        problems.append(f"{len(used)} vehicles used, {instance.vehicles} available")
    depot = instance.customers[0]
    for k, route in enumerate(used, 1):
        load = sum(instance.customers[c].demand for c in route)
        if load > instance.capacity:
            problems.append(f"route {k}: load {load} over capacity {instance.capacity}")
        clock, here = 0.0, 0
        for stop in [*route, 0]:
            customer = instance.customers[stop]
            clock = max(clock + instance.distance(here, stop), customer.ready)
            if clock > customer.due + 1e-9:
                what = "depot return" if stop == 0 else f"customer {stop}"
                problems.append(f"route {k}: {what} at {clock:.3f} after due {customer.due:g}")
            clock += customer.service
            here = stop
        if clock > depot.due + 1e-9:
            problems.append(f"route {k}: back at the depot at {clock:.3f}, due {depot.due:g}")
        seen += route
    expected = list(range(1, len(instance.customers)))
    if sorted(seen) != expected:
        missing = sorted(set(expected) - set(seen))
        twice = sorted({c for c in seen if seen.count(c) > 1})
        problems.append(f"customers missing {missing[:10]} served twice {twice[:10]}")
    return problems
