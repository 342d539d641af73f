"""A person's day: today's visits, jobs and tasks, what is overdue, what changed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import or_, select

from fieldcrm.services.views import add_linked_names
from fieldcrm.storage.registry import row_to_dict
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import Account, Activity, Contact, Opportunity, SalesOrder, Visit
from fieldcrm.storage.service import ServiceJob
from fieldcrm.storage.types import parse_timestamp

OPEN_VISIT = ("planned", "checked_in")
OPEN_JOB = ("new", "scheduled", "en_route", "in_progress", "on_hold")
#: At most this many rows in each section.
LIMIT = 100
CHANGE_TYPES = (Account, Contact, Visit, Activity, Opportunity, SalesOrder, ServiceJob)


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _mine(column, user_id: Optional[str]):
    return [] if user_id is None else [column == user_id]


def _rows(session, entity, stmt) -> list[dict[str, Any]]:
    rows = [row_to_dict(o) for o in session.execute(stmt.limit(LIMIT)).scalars()]
    add_linked_names(session, entity, rows)
    return rows


def plan_of_day(
    replica: Replica,
    day: dt.date,
    *,
    user_id: Optional[str] = None,
    tz: Optional[dt.tzinfo] = None,
) -> dict[str, Any]:
    """Today's visits, jobs and open tasks of ``user_id`` (everyone's if None),
    the overdue ones, and what others changed in the last sync."""
    tz = tz or dt.datetime.now().astimezone().tzinfo
    start, end = _day_bounds(day, tz)
    user_id = user_id or replica.get_state("user_id")
    with replica.read() as s:
        visits = _rows(s, "visit", select(Visit).where(
            Visit.planned_start >= start, Visit.planned_start < end, *_mine(Visit.owner_id, user_id))
            .order_by(Visit.route_order, Visit.planned_start))
        jobs = _rows(s, "service_job", select(ServiceJob).where(
            ServiceJob.scheduled_start >= start, ServiceJob.scheduled_start < end,
            *_mine(ServiceJob.technician_id, user_id)).order_by(ServiceJob.scheduled_start))
        tasks = _rows(s, "activity", select(Activity).where(
            Activity.done.is_(False), Activity.due_at >= start, Activity.due_at < end,
            *_mine(Activity.owner_id, user_id)).order_by(Activity.due_at))
        overdue = (
            [dict(r, entity="visit") for r in _rows(s, "visit", select(Visit).where(
                Visit.planned_start < start, Visit.status.in_(OPEN_VISIT),
                *_mine(Visit.owner_id, user_id)).order_by(Visit.planned_start))]
            + [dict(r, entity="service_job") for r in _rows(s, "service_job", select(ServiceJob).where(
                ServiceJob.scheduled_start < start, ServiceJob.status.in_(OPEN_JOB),
                *_mine(ServiceJob.technician_id, user_id)).order_by(ServiceJob.scheduled_start))]
            + [dict(r, entity="activity") for r in _rows(s, "activity", select(Activity).where(
                Activity.done.is_(False), Activity.due_at < start,
                *_mine(Activity.owner_id, user_id)).order_by(Activity.due_at))]
        )
        changes = _changed_since_sync(replica, s, user_id)
    return {"day": day.isoformat(), "visits": visits, "jobs": jobs, "tasks": tasks,
            "overdue": overdue, "changes": changes}


def _changed_since_sync(replica: Replica, session, user_id: Optional[str]) -> list[dict[str, Any]]:
    """Rows others changed that arrived with the last sync (newest first)."""
    last = replica.get_state("last_sync_at", session)
    if not last:
        return []
    previous = replica.get_state("previous_sync_at", session)
    since = parse_timestamp(previous) if previous else parse_timestamp(last) - dt.timedelta(days=1)
    out: list[dict[str, Any]] = []
    for cls in CHANGE_TYPES:
        label = [getattr(cls, f) for f in cls.__label__]
        stmt = select(cls.id, cls.updated_at, *label).where(cls.updated_at > since)
        if user_id:
            stmt = stmt.where(or_(cls.updated_by.is_(None), cls.updated_by != user_id))
        for row in session.execute(stmt.order_by(cls.updated_at.desc()).limit(20)):
            out.append({"entity": cls.__entity__, "id": row[0], "when": row[1].isoformat(),
                        "title": " ".join(str(v) for v in row[2:] if v)})
    out.sort(key=lambda r: r["when"], reverse=True)
    return out[:LIMIT]
