"""Plan the order of a rep's or technician's visits: one day, a week, or a crew.

``plan_route`` and ``plan_routes`` hand the stops to OR-Tools (time windows,
appointments, pinned positions, working hours, van capacity; stops that cannot
fit are dropped one by one instead of failing the plan) and then time the
chosen order themselves, so every time in a plan comes from the same travel
formula the checker uses. ``time_route`` times an order the rep chose by hand.
"""

from __future__ import annotations

import datetime as dt
import math

from fieldcrm.routing.explain import explain_unplanned, stand_alone_problem
from fieldcrm.routing.model import (
    DispatchPlan,
    Location,
    RoutePlan,
    Stop,
    TravelSettings,
    UnplannedStop,
    WorkingDay,
)
from fieldcrm.routing.schedule import allowed_starts, time_route
from fieldcrm.routing.solver import FleetProblem, SearchSettings, solve_fleet
from fieldcrm.routing.travel import travel_seconds

DROP_PENALTY = 10_000_000  # seconds of travel; far above any real day, so stops drop only when stuck

__all__ = ["plan_route", "plan_routes", "time_route"]


def plan_route(
    stops: list[Stop],
    day: WorkingDay,
    *,
    travel: TravelSettings = TravelSettings(),
    seconds: float | None = None,
) -> RoutePlan:
    """The best order for one working day; stops that cannot fit are in ``unplanned``."""
    plan = plan_routes(stops, [day], travel=travel, seconds=seconds)
    route = plan.routes[0]
    route.unplanned = plan.unplanned
    return route


def plan_routes(
    stops: list[Stop],
    days: list[WorkingDay],
    *,
    travel: TravelSettings = TravelSettings(),
    seconds: float | None = None,
) -> DispatchPlan:
    """Share ``stops`` among several working days (a rep's week or a crew's day).

    ``seconds`` bounds the search (default: grows with the number of stops).
    """
    if not days:
        raise ValueError("plan_routes needs at least one working day")
    if len({s.id for s in stops}) != len(stops):
        raise ValueError("stop ids must be unique")
    unplanned: list[UnplannedStop] = []
    candidates: list[Stop] = []
    for stop in stops:
        problem = stand_alone_problem(stop, days, travel)
        if problem:
            unplanned.append(problem)
        else:
            candidates.append(stop)
    routes: list[list[Stop]] = [[] for _ in days]
    if candidates:
        if seconds is None:
            seconds = min(10.0, 0.5 + 0.05 * len(candidates))
        problem = _fleet_problem(candidates, days, travel)
        solution = solve_fleet(problem, SearchSettings(seconds=seconds))
        if solution is None:  # only if every stop were mandatory; kept as a guard
            raise RuntimeError("no plan found")
        routes = [[candidates[n] for n in route] for route in solution.routes]
    plans = [time_route(route, day, travel=travel) for route, day in zip(routes, days)]
    planned = {s.id for route in routes for s in route}
    for stop in candidates:
        if stop.id not in planned:
            unplanned.append(explain_unplanned(stop, days, plans, travel))
    order = {s.id: i for i, s in enumerate(stops)}
    unplanned.sort(key=lambda u: order[u.stop.id])
    return DispatchPlan(plans, unplanned)


def _fleet_problem(stops: list[Stop], days: list[WorkingDay], travel: TravelSettings):
    """Nodes: the stops, then each day's start and end place."""
    origin = min(d.start for d in days)

    def at(moment: dt.datetime) -> int:
        return round((moment - origin).total_seconds())

    places: list[Location] = [s.location for s in stops]
    starts, ends = [], []
    for day in days:
        starts.append(len(places))
        places.append(day.start_location)
        ends.append(len(places))
        places.append(day.home)
    legs = [[travel_seconds(a, b, travel) for b in places] for a in places]
    windows = {}
    for node, stop in enumerate(stops):
        intervals = [
            (at(lo), at(hi)) for day in days for lo, hi in allowed_starts(stop, day)
        ]
        if stop.window is not None or stop.appointment is not None:
            windows[node] = intervals
    capacities = None
    if any(d.capacity is not None for d in days):
        capacities = [d.capacity if d.capacity is not None else 10**9 for d in days]
    return FleetProblem(
        travel_cost=[[math.ceil(t) for t in row] for row in legs],
        travel_time=[[math.ceil(t) for t in row] for row in legs],
        service=[math.ceil(s.duration.total_seconds()) for s in stops] + [0] * 2 * len(days),
        windows=windows,
        shifts=[(at(d.start), at(d.end)) for d in days],
        demand=[s.demand for s in stops] + [0] * 2 * len(days),
        capacities=capacities,
        vehicle_starts=starts,
        vehicle_ends=ends,
        drop_penalty={n: DROP_PENALTY * max(1, s.priority) for n, s in enumerate(stops)},
        positions={
            n: s.pinned_position for n, s in enumerate(stops) if s.pinned_position is not None
        },
    )

