"""Solving the public instances with the same OR-Tools model that plans a rep's day.

The answers are measured with the instance's own convention
(:mod:`fieldcrm.routing.instances`), not with the solver's scaled integers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from fieldcrm.routing.instances import SolomonInstance, TsplibInstance
from fieldcrm.routing.solver import (
    FIRST_SOLUTION,
    FleetProblem,
    FleetSolution,
    SearchSettings,
    solve_fleet,
)
from fieldcrm.routing.tour import polish_tour

SOLOMON_SCALE = 1000  # OR-Tools works in integers: distances in thousandths
TSP_GLS_SHARE = 0.25  # of the time: OR-Tools builds the tour, the rest polishes it
MISSED_CUSTOMER = 10**10  # far above any distance, so customers are dropped only when stuck


@dataclass
class TourResult:
    tour: list[int]
    length: int
    solver_length: int  # the OR-Tools tour before polishing
    solution: FleetSolution


@dataclass
class FleetResult:
    routes: list[list[int]]
    length: float
    solution: FleetSolution


def solve_tsplib(instance: TsplibInstance, seconds: float = 1.5, seed: int = 0) -> TourResult:
    """A closed tour over every node: OR-Tools (GLS) first, then :func:`polish_tour`."""
    began = time.monotonic()
    n = len(instance.points)
    matrix = [[instance.arc(i, j) for j in range(n)] for i in range(n)]
    problem = FleetProblem(travel_cost=matrix, vehicle_starts=[0], vehicle_ends=[0])
    search = SearchSettings(seconds=seconds * TSP_GLS_SHARE, gls_lambda=0.5)
    solution = solve_fleet(problem, search)
    if solution is None:  # unreachable: a tour without constraints always exists
        raise RuntimeError(f"{instance.name}: no tour found")
    first = [0, *solution.routes[0]]
    tour = polish_tour(first, matrix, seconds - (time.monotonic() - began), seed)
    start = tour.index(0)
    tour = tour[start:] + tour[:start]
    return TourResult(tour, instance.tour_length(tour), instance.tour_length(first), solution)


def solomon_problem(instance: SolomonInstance, vehicles: int, vehicle_cost: int) -> FleetProblem:
    """The instance in thousandths; travel times round up so an integer-feasible plan stays feasible."""
    n = len(instance.customers)
    dist = [[instance.distance(i, j) * SOLOMON_SCALE for j in range(n)] for i in range(n)]
    customers = instance.customers
    return FleetProblem(
        travel_cost=[[round(d) for d in row] for row in dist],
        travel_time=[[math.ceil(d - 1e-6) for d in row] for row in dist],
        service=[round(c.service * SOLOMON_SCALE) for c in customers],
        windows={
            i: [(round(c.ready * SOLOMON_SCALE), round(c.due * SOLOMON_SCALE))]
            for i, c in enumerate(customers)
            if i
        },
        shifts=[(0, round(customers[0].due * SOLOMON_SCALE))] * vehicles,
        demand=[c.demand for c in customers],
        capacities=[instance.capacity] * vehicles,
        vehicle_starts=[0] * vehicles,
        vehicle_ends=[0] * vehicles,
        drop_penalty={i: MISSED_CUSTOMER for i in range(1, n)},
        vehicle_fixed_cost=vehicle_cost,
    )


def solve_solomon(
    instance: SolomonInstance, seconds: float = 10.0, first_phase_share: float = 0.4
) -> FleetResult:
    """Fewest vehicles first, then distance.

    First OR-Tools plans with a fixed cost per vehicle above any route length.
    Then, while time is left, it empties the route with the fewest customers and
    tries to fit them into one vehicle less; a fleet that serves everyone is kept.
    """
    began = time.monotonic()
    vehicle_cost = 2000 * SOLOMON_SCALE  # longer than any sensible single route
    problem = solomon_problem(instance, instance.vehicles, vehicle_cost)
    solution = solve_fleet(problem, SearchSettings(seconds=seconds * first_phase_share))
    if solution is None or solution.dropped:
        raise RuntimeError(f"{instance.name}: no plan serves every customer")
    routes = [r for r in solution.routes if r]
    while (left := seconds - (time.monotonic() - began)) > 0.2 and len(routes) > 1:
        fewer = len(routes) - 1
        kept = sorted(routes, key=len)[1:]
        attempt = solve_fleet(
            solomon_problem(instance, fewer, vehicle_cost),
            SearchSettings(seconds=min(left, max(1.0, seconds * (1 - first_phase_share) / 3))),
            start_from=kept,
        )
        if attempt is None or attempt.dropped:
            break
        routes, solution = [r for r in attempt.routes if r], attempt
    left = seconds - (time.monotonic() - began)
    if left > 0.2:  # the rest of the time shortens the routes of the fleet found
        polished = solve_fleet(
            solomon_problem(instance, len(routes), vehicle_cost),
            SearchSettings(seconds=left),
            start_from=routes,
        )
        if polished is not None and not polished.dropped:
            better = [r for r in polished.routes if r]
            if instance.routes_length(better) < instance.routes_length(routes):
                routes, solution = better, polished
    return FleetResult(routes, instance.routes_length(routes), solution)
