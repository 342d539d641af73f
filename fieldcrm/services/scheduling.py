"""The calendar of visits and service jobs: who is where when, and the day's route.

* ``schedule_entries``: the visits and jobs of some people in a span of time.
* ``reschedule``: move an entry to another start (and person), keeping its length.
* ``day_warnings``: what is wrong with a person's day as scheduled — overlaps,
  starts outside the customer's window, drives that do not fit — checked with
  :func:`fieldcrm.routing.find_violations` on the day as it stands.
* ``plan_day``: order a person's day with :func:`fieldcrm.routing.plan_route`
  (pinned visits keep their place, customer windows and working hours hold,
  checked-in visits and started jobs stay where they are) and save the times.
* ``pin_visit``: keep a visit at its place when the day is re-optimised.

Times are stored in UTC; callers pass the time zone a day is lived in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from sqlalchemy import select

from fieldcrm.routing import (
    Location, RoutePlan, Stop, TimeWindow, TravelSettings, WorkingDay, find_violations, plan_route,
)
from fieldcrm.routing.model import Visit as RouteVisit
from fieldcrm.routing.travel import road_distance_m, travel_seconds
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import Account, Visit
from fieldcrm.storage.service import ServiceJob
from fieldcrm.storage.validation import ValidationError

CLOSED_VISIT = ("cancelled",)
CLOSED_JOB = ("cancelled",)
FIXED_JOB = ("en_route", "in_progress", "completed")
FIXED_VISIT = ("checked_in", "done", "missed")
WORKING_HOURS = (dt.time(8), dt.time(17))  # when the person's settings say nothing else


@dataclass(frozen=True)
class Entry:
    """One visit or service job on the calendar."""

    entity: str  # "visit" | "service_job"
    id: str
    person_id: Optional[str]
    account_id: str
    account_name: str
    title: str
    start: dt.datetime
    end: dt.datetime
    status: str
    lat: Optional[float] = None
    lon: Optional[float] = None
    window_start: Optional[dt.datetime] = None
    window_end: Optional[dt.datetime] = None
    pinned: bool = False
    route_order: Optional[int] = None

    @property
    def fixed(self) -> bool:
        """Already under way or over: the optimiser leaves it where it is."""
        return self.status in (FIXED_JOB if self.entity == "service_job" else FIXED_VISIT)


@dataclass(frozen=True)
class Warning:
    entity: str
    id: Optional[str]  # None: the day as a whole
    code: str  # overlap | travel | window | appointment | working_hours | ...
    message: str


def day_span(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def local_tz() -> dt.tzinfo:
    return dt.datetime.now().astimezone().tzinfo


def schedule_entries(replica: Replica, start: dt.datetime, end: dt.datetime,
                     person_ids: Optional[Iterable[str]] = None) -> list[Entry]:
    """Visits and jobs starting in [start, end) of ``person_ids`` (everyone's if None)."""
    people = None if person_ids is None else list(person_ids)
    out: list[Entry] = []
    with replica.read() as session:
        vq = (select(Visit, Account.name, Account.lat, Account.lon).join(Account, Account.id == Visit.account_id)
              .where(Visit.planned_start >= start, Visit.planned_start < end, Visit.status.not_in(CLOSED_VISIT)))
        jq = (select(ServiceJob, Account.name, Account.lat, Account.lon)
              .join(Account, Account.id == ServiceJob.account_id)
              .where(ServiceJob.scheduled_start >= start, ServiceJob.scheduled_start < end,
                     ServiceJob.status.not_in(CLOSED_JOB)))
        if people is not None:
            vq = vq.where(Visit.owner_id.in_(people))
            jq = jq.where(ServiceJob.technician_id.in_(people))
        for v, name, lat, lon in session.execute(vq):
            out.append(Entry("visit", v.id, v.owner_id, v.account_id, name, v.objective or name,
                             v.planned_start, v.planned_end or v.planned_start + dt.timedelta(minutes=30),
                             v.status, lat, lon, pinned=bool(v.pinned), route_order=v.route_order))
        for j, name, lat, lon in session.execute(jq):
            out.append(Entry("service_job", j.id, j.technician_id, j.account_id, name, j.title,
                             j.scheduled_start, j.scheduled_end or j.scheduled_start + dt.timedelta(hours=1),
                             j.status, lat, lon, j.window_start, j.window_end))
    out.sort(key=lambda e: (e.start, e.id))
    return out


def reschedule(replica: Replica, entity: str, row_id: str, start: dt.datetime, *,
               person_id: Optional[str] = None) -> dict:
    """Move a visit or job to ``start`` (same length), and to ``person_id`` if given."""
    cls, start_f, end_f, person_f = _fields(entity)
    with replica.edit() as session:
        row = session.get(cls, row_id)
        if row is None:
            raise ValidationError({"id": f"no {entity} with id {row_id}"}, entity)
        old_start, old_end = getattr(row, start_f), getattr(row, end_f)
        length = (old_end - old_start) if old_start and old_end else dt.timedelta(minutes=60)
        setattr(row, start_f, start)
        setattr(row, end_f, start + length)
        if person_id is not None:
            setattr(row, person_f, person_id)
        if entity == "service_job" and row.status == "new":
            row.status = "scheduled"
        if entity == "visit":
            row.route_order = None if not row.pinned else row.route_order
        session.flush()
        return {"entity": entity, "id": row_id, "start": start, "end": start + length,
                "person_id": getattr(row, person_f)}


def _fields(entity: str):
    if entity == "visit":
        return Visit, "planned_start", "planned_end", "owner_id"
    if entity == "service_job":
        return ServiceJob, "scheduled_start", "scheduled_end", "technician_id"
    raise ValidationError({"entity": "only visits and service jobs are on the calendar"}, entity)


def _stop(entry: Entry, *, appointment: bool) -> Stop:
    window = None
    if entry.window_start and entry.window_end:
        window = TimeWindow(entry.window_start, entry.window_end)
    return Stop(entry.id, Location(entry.lat, entry.lon), entry.end - entry.start, name=entry.account_name,
                window=window, appointment=entry.start if appointment else None)


def _home(entries: list[Entry]) -> Location:
    """Where a day starts and ends when the person's base is not known: the middle of their stops."""
    placed = [e for e in entries if e.lat is not None]
    return Location(sum(e.lat for e in placed) / len(placed), sum(e.lon for e in placed) / len(placed))


def _as_planned(entries: list[Entry], home: Location, hours: tuple[dt.datetime, dt.datetime],
                travel: TravelSettings) -> RoutePlan:
    """The day exactly as scheduled, as a route plan the checks can read."""
    day = WorkingDay(hours[0], hours[1], home)
    visits, here = [], home
    for e in entries:
        stop = _stop(e, appointment=False)
        visits.append(RouteVisit(stop, e.start, e.start, e.end, road_distance_m(here, stop.location, travel),
                                 dt.timedelta(seconds=travel_seconds(here, stop.location, travel))))
        here = stop.location
    return RoutePlan(day, visits, entries[0].start, entries[-1].end, 0.0, dt.timedelta())


def day_warnings(entries: list[Entry], *, hours: tuple[dt.datetime, dt.datetime],
                 travel: TravelSettings = TravelSettings()) -> list[Warning]:
    """What does not work in one person's day as scheduled (``entries`` of that day)."""
    day = sorted((e for e in entries if e.lat is not None), key=lambda e: e.start)
    out: list[Warning] = []
    by_id = {e.id: e for e in day}
    for a, b in zip(day, day[1:]):
        if b.start < a.end:
            out.append(Warning(b.entity, b.id, "overlap",
                               f"{b.account_name}: overlaps {a.account_name} "
                               f"({a.start:%H:%M}–{a.end:%H:%M})"))
    overlapping = {w.id for w in out}
    if not day:
        return out
    home = Location(day[0].lat, day[0].lon)
    for v in find_violations(_as_planned(day, home, hours, travel), travel=travel):
        if v.stop_id is None or (v.code == "travel" and v.stop_id in overlapping):
            continue
        e = by_id[v.stop_id]
        out.append(Warning(e.entity, e.id, v.code, v.message))
    return out


def plan_day(replica: Replica, person_id: str, day: dt.date, *, tz: Optional[dt.tzinfo] = None,
             hours: tuple[dt.time, dt.time] = WORKING_HOURS,
             travel: TravelSettings = TravelSettings(), seconds: Optional[float] = None,
             home: Optional[Location] = None) -> RoutePlan:
    """Order the person's day for the least driving and save the new times.

    Pinned visits keep their place in the order; visits checked in or done and
    jobs under way are fixed appointments; job windows and working hours hold.
    Stops that do not fit stay where they were and come back in ``unplanned``.
    """
    tz = tz or local_tz()
    lo, hi = day_span(day, tz)
    entries = [e for e in schedule_entries(replica, lo, hi, [person_id]) if e.lat is not None]
    if not entries:
        raise ValidationError({"day": "nothing with an address is planned on this day"}, "visit")
    working = WorkingDay(dt.datetime.combine(day, hours[0], tzinfo=tz), dt.datetime.combine(day, hours[1], tzinfo=tz),
                         home or _home(entries))
    entries.sort(key=lambda e: (e.route_order if e.route_order is not None else 99, e.start))
    stops = []
    for position, e in enumerate(entries):
        stop = _stop(e, appointment=e.fixed)
        if e.pinned:
            stop = Stop(stop.id, stop.location, stop.duration, stop.name, stop.window, stop.appointment,
                        pinned_position=position)
        stops.append(stop)
    plan = plan_route(stops, working, travel=travel, seconds=seconds)
    kinds = {e.id: e.entity for e in entries}
    with replica.edit() as session:
        for order, visit in enumerate(plan.visits):
            cls, start_f, end_f, _ = _fields(kinds[visit.stop.id])
            row = session.get(cls, visit.stop.id)
            setattr(row, start_f, visit.start)
            setattr(row, end_f, visit.end)
            if cls is Visit:
                row.route_order = order
        session.flush()
    return plan


def pin_visit(replica: Replica, visit_id: str, pinned: bool = True) -> dict:
    """Keep (or release) a visit at its place in the day's order."""
    with replica.edit() as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise ValidationError({"id": f"no visit with id {visit_id}"}, "visit")
        visit.pinned = pinned
        session.flush()
        return {"id": visit.id, "pinned": visit.pinned, "route_order": visit.route_order}


def route_of_day(replica: Replica, person_id: str, day: dt.date, *,
                 tz: Optional[dt.tzinfo] = None) -> list[Entry]:
    """The person's stops of the day in the order they are driven."""
    tz = tz or local_tz()
    lo, hi = day_span(day, tz)
    return [e for e in schedule_entries(replica, lo, hi, [person_id]) if e.lat is not None]

