"""Times for a given order of stops: when the rep leaves, arrives, starts and finishes each visit.

The rep arrives as early as the order allows, waits for a window or an
appointment when early, and leaves home no earlier than needed for the first
visit. Nothing here optimises or drops: an impossible order still gets times,
and :func:`fieldcrm.routing.check.find_violations` says what is wrong with it.
"""

from __future__ import annotations

import datetime as dt

from fieldcrm.routing.model import RoutePlan, Stop, TimeWindow, Visit, WorkingDay
from fieldcrm.routing.model import TravelSettings
from fieldcrm.routing.travel import road_distance_m, travel_seconds


def window_on(window: TimeWindow, day: WorkingDay) -> tuple[dt.datetime, dt.datetime]:
    """The customer's window as moments; a time-of-day window falls on the day's date."""
    if isinstance(window.start, dt.datetime):
        return window.start, window.end
    date, tz = day.start.date(), day.start.tzinfo
    return (
        dt.datetime.combine(date, window.start, tzinfo=tz),
        dt.datetime.combine(date, window.end, tzinfo=tz),
    )


def allowed_starts(stop: Stop, day: WorkingDay) -> list[tuple[dt.datetime, dt.datetime]]:
    """When the visit may start on ``day`` (empty: not on that day)."""
    if stop.appointment is not None:
        lo = hi = stop.appointment
    elif stop.window is not None:
        lo, hi = window_on(stop.window, day)
    else:
        lo, hi = day.start, day.end
    lo, hi = max(lo, day.start), min(hi, day.end)
    return [(lo, hi)] if lo <= hi else []


def earliest_start(stop: Stop, day: WorkingDay, arrival: dt.datetime) -> dt.datetime:
    if stop.appointment is not None:
        return max(arrival, stop.appointment)
    if stop.window is not None:
        return max(arrival, window_on(stop.window, day)[0])
    return arrival


def time_route(
    stops: list[Stop], day: WorkingDay, *, travel: TravelSettings = TravelSettings()
) -> RoutePlan:
    """Times for visiting ``stops`` in exactly this order on ``day``."""
    visits: list[Visit] = []
    here, clock = day.start_location, day.start
    distance, driving = 0.0, dt.timedelta()
    for stop in stops:
        metres = road_distance_m(here, stop.location, travel)
        leg = dt.timedelta(seconds=travel_seconds(here, stop.location, travel))
        arrival = clock + leg
        start = earliest_start(stop, day, arrival)
        end = start + stop.duration
        visits.append(Visit(stop, arrival, start, end, metres, leg))
        distance += metres
        driving += leg
        here, clock = stop.location, end
    last_leg = dt.timedelta(seconds=travel_seconds(here, day.home, travel))
    distance += road_distance_m(here, day.home, travel)
    driving += last_leg
    departure = day.start
    if visits:  # leave later rather than wait at the first customer
        first = visits[0]
        departure += first.wait
        visits[0] = Visit(
            first.stop,
            first.start,
            first.start,
            first.end,
            first.distance_from_previous_m,
            first.travel_from_previous,
        )
    return RoutePlan(day, visits, departure, clock + last_leg, distance, driving)
