"""Check a route plan against the rules a rep lives by, from the plan's own times.

Used to verify what the solver returns, to explain why a stop does not fit,
and by the scheduling view to flag a route edited by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fieldcrm.routing.model import RoutePlan, TravelSettings, clock
from fieldcrm.routing.schedule import window_on
from fieldcrm.routing.travel import travel_seconds

SLACK = dt.timedelta(seconds=1)  # rounding of reported times


@dataclass(frozen=True)
class Violation:
    stop_id: str | None  # None: the day as a whole
    code: str  # travel | window | appointment | working_hours | capacity | pinned_position | duplicate
    message: str


def find_violations(
    plan: RoutePlan, *, travel: TravelSettings = TravelSettings()
) -> list[Violation]:
    """Every rule the plan breaks (empty: the plan can be driven as shown)."""
    day = plan.day
    found: list[Violation] = []
    if plan.departure < day.start - SLACK:
        found.append(
            Violation(None, "working_hours", f"leaves at {clock(plan.departure)}, "
                      f"before the working day starts at {clock(day.start)}")
        )
    here, free_at = day.start_location, plan.departure
    seen: set[str] = set()
    for position, visit in enumerate(plan.visits):
        stop = visit.stop
        sid = stop.id

        def add(code: str, message: str, sid: str = sid, title: str = stop.title) -> None:
            found.append(Violation(sid, code, f"{title}: {message}"))

        if sid in seen:
            add("duplicate", "visited twice")
        seen.add(sid)
        needed = dt.timedelta(seconds=travel_seconds(here, stop.location, travel))
        if visit.arrival + SLACK < free_at + needed:
            add("travel", f"arrives {clock(visit.arrival)}, but the drive takes "
                          f"{_minutes(needed)} from the previous place")
        if visit.start + SLACK < visit.arrival:
            add("travel", "starts before arriving")
        if abs(visit.end - visit.start - stop.duration) > SLACK:
            add("travel", "visit shorter or longer than planned")
        if stop.appointment is not None and abs(visit.start - stop.appointment) > SLACK:
            add("appointment", f"starts {clock(visit.start)}, "
                               f"appointment is at {clock(stop.appointment)}")
        if stop.window is not None:
            lo, hi = window_on(stop.window, day)
            if not lo - SLACK <= visit.start <= hi + SLACK:
                add("window", f"starts {clock(visit.start)}, outside the customer's "
                              f"window {stop.window.label()}")
        if visit.start + SLACK < day.start or visit.end > day.end + SLACK:
            add("working_hours", f"{clock(visit.start)}–{clock(visit.end)} is outside "
                                 f"working hours {day.hours()}")
        if stop.pinned_position is not None and stop.pinned_position != position:
            add("pinned_position", f"pinned at position {stop.pinned_position + 1}, "
                                   f"planned at {position + 1}")
        here, free_at = stop.location, visit.end
    home_leg = dt.timedelta(seconds=travel_seconds(here, day.home, travel))
    if plan.return_time + SLACK < free_at + home_leg:
        found.append(Violation(None, "travel", "back home sooner than the drive allows"))
    if plan.return_time > day.end + SLACK:
        found.append(
            Violation(None, "working_hours", f"back at {clock(plan.return_time)}, "
                      f"after the working day ends at {clock(day.end)}")
        )
    load = sum(v.stop.demand for v in plan.visits)
    if day.capacity is not None and load > day.capacity:
        found.append(
            Violation(None, "capacity", f"loads {load}, the van carries {day.capacity}")
        )
    return found


def _minutes(span: dt.timedelta) -> str:
    return f"{round(span.total_seconds() / 60)} min"
