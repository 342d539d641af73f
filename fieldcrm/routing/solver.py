"""The OR-Tools routing model shared by day planning and the benchmark instances.

Everything here is in whole units (seconds, metres, scaled distances): the
callers convert their own domain into a :class:`FleetProblem` and read the
routes back. Travel and service times are folded into one transit matrix so
OR-Tools never calls back into Python during the search.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy
METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic


@dataclass
class FleetProblem:
    """Nodes are indices into the matrices; vehicle start and end nodes are never visits.

    ``windows[node]`` lists the allowed intervals for the start of service at a
    node (empty: any time). ``drop_penalty[node]`` is the cost of leaving a visit
    out (``None``: it must be served). ``positions[node]`` pins a visit to a
    0-based place in its vehicle's order.
    """

    travel_cost: list[list[int]]
    vehicle_starts: list[int]
    vehicle_ends: list[int]
    travel_time: list[list[int]] | None = None
    service: list[int] | None = None
    windows: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    shifts: list[tuple[int, int]] | None = None
    demand: list[int] | None = None
    capacities: list[int] | None = None
    drop_penalty: dict[int, int | None] = field(default_factory=dict)
    positions: dict[int, int] = field(default_factory=dict)
    vehicle_fixed_cost: int = 0

    @property
    def size(self) -> int:
        return len(self.travel_cost)

    def visits(self) -> list[int]:
        depots = set(self.vehicle_starts) | set(self.vehicle_ends)
        return [n for n in range(self.size) if n not in depots]


@dataclass
class SearchSettings:
    """How long and how OR-Tools searches."""

    seconds: float = 2.0
    first_solution: int = FIRST_SOLUTION.PATH_CHEAPEST_ARC
    metaheuristic: int = METAHEURISTIC.GUIDED_LOCAL_SEARCH
    gls_lambda: float | None = None  # OR-Tools' default (0.1) when None


@dataclass
class FleetSolution:
    routes: list[list[int]]  # per vehicle, visit nodes in order (no start/end)
    dropped: list[int]
    objective: int
    seconds: float


def solve_fleet(
    problem: FleetProblem, search: SearchSettings, start_from: list[list[int]] | None = None
) -> FleetSolution | None:
    """Solve ``problem``; ``None`` only when no plan exists at all (e.g. mandatory visits fail).

    ``start_from`` gives routes (visit nodes per vehicle) to improve instead of
    building a first solution; visits missing from them start unassigned.
    """
    began = time.monotonic()
    manager = pywrapcp.RoutingIndexManager(
        problem.size, len(problem.vehicle_starts), problem.vehicle_starts, problem.vehicle_ends
    )
    routing = pywrapcp.RoutingModel(manager)
    cost = routing.RegisterTransitMatrix(problem.travel_cost)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    if problem.vehicle_fixed_cost:
        routing.SetFixedCostOfAllVehicles(problem.vehicle_fixed_cost)
    if problem.travel_time is not None:
        _add_time(routing, manager, problem)
    if problem.capacities is not None:
        demand = routing.RegisterUnaryTransitVector(problem.demand)
        routing.AddDimensionWithVehicleCapacity(demand, 0, problem.capacities, True, "Load")
    if problem.positions:
        _add_positions(routing, manager, problem)
    for node in problem.visits():
        penalty = problem.drop_penalty.get(node)
        if penalty is not None:
            routing.AddDisjunction([manager.NodeToIndex(node)], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = search.first_solution
    params.local_search_metaheuristic = search.metaheuristic
    if search.gls_lambda is not None:
        params.guided_local_search_lambda_coefficient = search.gls_lambda
    params.time_limit.FromMilliseconds(max(1, int(search.seconds * 1000)))
    if start_from is not None:
        initial = routing.ReadAssignmentFromRoutes(start_from, True)
        assignment = routing.SolveFromAssignmentWithParameters(initial, params) if initial else None
    else:
        assignment = routing.SolveWithParameters(params)
    if assignment is None:
        return None
    routes, served = [], set()
    for vehicle in range(len(problem.vehicle_starts)):
        index = routing.Start(vehicle)
        route = []
        index = assignment.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        routes.append(route)
        served.update(route)
    dropped = [n for n in problem.visits() if n not in served]
    return FleetSolution(
        routes, dropped, assignment.ObjectiveValue(), time.monotonic() - began
    )


def _add_time(routing, manager, problem: FleetProblem) -> None:
    service = problem.service or [0] * problem.size
    transit = [
        [service[i] + row[j] for j in range(problem.size)]
        for i, row in enumerate(problem.travel_time)
    ]
    horizon = max(end for _, end in problem.shifts) if problem.shifts else 10**9
    callback = routing.RegisterTransitMatrix(transit)
    routing.AddDimension(callback, horizon, horizon, False, "Time")
    clock = routing.GetDimensionOrDie("Time")
    for node, intervals in problem.windows.items():
        if not intervals:
            continue
        cumul = clock.CumulVar(manager.NodeToIndex(node))
        intervals = merge_intervals(intervals)
        cumul.SetRange(intervals[0][0], min(horizon, max(end for _, end in intervals)))
        for (_, gap_start), (gap_end, _) in zip(intervals, intervals[1:]):
            if gap_end - gap_start > 1:
                cumul.RemoveInterval(gap_start + 1, gap_end - 1)
    for vehicle, (start, end) in enumerate(problem.shifts or []):
        clock.CumulVar(routing.Start(vehicle)).SetRange(start, end)
        clock.CumulVar(routing.End(vehicle)).SetRange(start, end)
    for vehicle in range(len(problem.vehicle_starts)):
        routing.AddVariableMaximizedByFinalizer(clock.CumulVar(routing.Start(vehicle)))
        routing.AddVariableMinimizedByFinalizer(clock.CumulVar(routing.End(vehicle)))


def _add_positions(routing, manager, problem: FleetProblem) -> None:
    step = routing.RegisterUnaryTransitVector([1] * problem.size)
    routing.AddDimension(step, 0, problem.size + 1, True, "Position")
    counter = routing.GetDimensionOrDie("Position")
    for node, position in problem.positions.items():
        counter.CumulVar(manager.NodeToIndex(node)).SetValue(position + 1)


def merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping intervals covering the same points."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
