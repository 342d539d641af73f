"""Route optimisation for a rep's or technician's day, week, or a crew's day.

Pure domain code (no database, no Qt). Typical use from the scheduling view::

    plan = plan_route(stops, WorkingDay(start, end, office), seconds=2)
    for visit in plan.visits: ...
    for left_out in plan.unplanned: print(left_out.stop.title, left_out.reason)
"""

from fieldcrm.routing.check import Violation, find_violations
from fieldcrm.routing.model import (
    DispatchPlan,
    Location,
    RoutePlan,
    Stop,
    TimeWindow,
    TravelSettings,
    UnplannedStop,
    Visit,
    WorkingDay,
)
from fieldcrm.routing.planner import plan_route, plan_routes
from fieldcrm.routing.schedule import time_route

__all__ = [
    "DispatchPlan",
    "Location",
    "RoutePlan",
    "Stop",
    "TimeWindow",
    "TravelSettings",
    "UnplannedStop",
    "Violation",
    "Visit",
    "WorkingDay",
    "find_violations",
    "plan_route",
    "plan_routes",
    "time_route",
]
