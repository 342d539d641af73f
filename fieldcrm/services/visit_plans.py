"""Visit plans: which visits are due, the rep's plan for a period, the manager's decision,
and the visit itself (check-in, check-out, report).

An account with a visit frequency is due ``frequency`` days after its last
visit made (at once when it was never visited). ``due_visits`` lists the
accounts of a rep that fall due in a period and have no visit planned there;
``accept_due_visits`` puts the chosen ones into the rep's plan for the period
(draft, or back to draft when it was returned). The plan then goes
draft → submitted → approved or returned (with the manager's comment); every
step is a local edit, so it works offline on both laptops and travels by sync.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Optional

from sqlalchemy import func, select

from fieldcrm.storage.reference import User
from fieldcrm.storage.registry import row_to_dict
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import Account, Visit, VisitPlan
from fieldcrm.storage.types import utcnow
from fieldcrm.storage.validation import ValidationError

VISIT_MINUTES = 45
DAY_STARTS = dt.time(9)


@dataclass(frozen=True)
class DueVisit:
    account_id: str
    account_name: str
    city: str
    due: dt.date
    last_visit: Optional[dt.date]
    frequency_days: int

    def overdue_days(self, today: dt.date) -> int:
        return max(0, (today - self.due).days)


def due_visits(replica: Replica, owner_id: str, first: dt.date, last: dt.date) -> list[DueVisit]:
    """The rep's accounts whose next visit falls due by ``last`` and have none planned in the period."""
    with replica.read() as session:
        made = (select(Visit.account_id, func.max(func.coalesce(Visit.checkin_at, Visit.planned_start)).label("at"))
                .where(Visit.status == "done").group_by(Visit.account_id).subquery())
        planned = select(Visit.account_id).where(
            Visit.status.in_(("planned", "checked_in")),
            Visit.planned_start >= dt.datetime.combine(first, dt.time.min, dt.timezone.utc) - dt.timedelta(days=1),
            Visit.planned_start < dt.datetime.combine(last, dt.time.max, dt.timezone.utc) + dt.timedelta(days=1))
        rows = session.execute(
            select(Account.id, Account.name, Account.city, Account.visit_frequency_days, made.c.at)
            .outerjoin(made, made.c.account_id == Account.id)
            .where(Account.owner_id == owner_id, Account.visit_frequency_days.is_not(None),
                   Account.id.not_in(planned))).all()
    out = []
    for aid, name, city, freq, at in rows:
        last_day = at.date() if at else None
        due = last_day + dt.timedelta(days=freq) if last_day else first
        if due <= last:
            out.append(DueVisit(aid, name, city or "", due, last_day, freq))
    out.sort(key=lambda d: (d.due, d.account_name))
    return out


def _working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5] or days


def plan_for_period(replica: Replica, owner_id: str, first: dt.date) -> Optional[dict]:
    """The rep's plan starting on ``first``, if any."""
    with replica.read() as session:
        plan = session.execute(select(VisitPlan).where(
            VisitPlan.owner_id == owner_id, VisitPlan.period_start == first)).scalars().first()
        return row_to_dict(plan) if plan else None


def accept_due_visits(replica: Replica, owner_id: str, first: dt.date, last: dt.date,
                      accepted: Iterable[tuple[str, dt.date]], *, tz: Optional[dt.tzinfo] = None) -> dict:
    """Put visits to the accounts in ``accepted`` ((account id, due day) pairs) into the
    rep's plan for the period: each on its due day (the first working day of the
    period when overdue), one after another from 09:00. Returns the plan."""
    tz = tz or dt.datetime.now().astimezone().tzinfo
    wanted = list(accepted)
    if not wanted:
        raise ValidationError({"visits": "choose at least one visit to plan"}, "visit_plan")
    days = _working_days(first, last)
    with replica.edit() as session:
        plan = session.execute(select(VisitPlan).where(
            VisitPlan.owner_id == owner_id, VisitPlan.period_start == first)).scalars().first()
        if plan is None:
            plan = VisitPlan(owner_id=owner_id, period_start=first, period_end=last, status="draft")
            session.add(plan)
            session.flush()
        elif plan.status in ("submitted", "approved"):
            raise ValidationError({"status": f"the plan is {plan.status}; it can no longer be changed"},
                                  "visit_plan")
        elif plan.status == "returned":
            plan.status = "draft"
        slots: dict[dt.date, int] = {}
        for account_id, due in wanted:
            day = next((d for d in days if d >= due), days[-1]) if due > days[0] else days[0]
            n = slots.get(day, 0)
            slots[day] = n + 1
            start = dt.datetime.combine(day, DAY_STARTS, tzinfo=tz) + dt.timedelta(minutes=(VISIT_MINUTES + 15) * n)
            session.add(Visit(account_id=account_id, owner_id=owner_id, plan_id=plan.id, planned_start=start,
                              planned_end=start + dt.timedelta(minutes=VISIT_MINUTES), status="planned",
                              objective="Regular visit"))
        session.flush()
        return row_to_dict(plan)


def _decide(replica: Replica, plan_id: str, *, allowed: tuple[str, ...], status: str,
            comment: Optional[str] = None, by: Optional[str] = None) -> dict:
    with replica.edit() as session:
        plan = session.get(VisitPlan, plan_id)
        if plan is None:
            raise ValidationError({"id": f"no visit plan with id {plan_id}"}, "visit_plan")
        if plan.status not in allowed:
            raise ValidationError({"status": f"a {plan.status} plan cannot be {status}"}, "visit_plan")
        plan.status = status
        now = utcnow()
        if status == "submitted":
            plan.submitted_at = now
        else:
            plan.decided_at, plan.decided_by = now, by or session.info.get("user_id")
            plan.manager_comment = comment
        session.flush()
        return row_to_dict(plan)


def submit_plan(replica: Replica, plan_id: str) -> dict:
    """The rep sends the plan to the manager."""
    return _decide(replica, plan_id, allowed=("draft", "returned"), status="submitted")


def approve_plan(replica: Replica, plan_id: str, comment: Optional[str] = None) -> dict:
    return _decide(replica, plan_id, allowed=("submitted",), status="approved", comment=comment)


def return_plan(replica: Replica, plan_id: str, comment: str) -> dict:
    """The manager sends the plan back; a comment says what to change."""
    if not (comment or "").strip():
        raise ValidationError({"manager_comment": "say what the rep should change"}, "visit_plan")
    return _decide(replica, plan_id, allowed=("submitted",), status="returned", comment=comment.strip())


def plans_to_decide(replica: Replica, manager_id: Optional[str] = None) -> list[dict]:
    """Submitted plans of the manager's team (every submitted plan here if no manager given)."""
    with replica.read() as session:
        stmt = (select(VisitPlan, User.display_name, func.count(Visit.id))
                .join(User, User.id == VisitPlan.owner_id, isouter=True)
                .join(Visit, Visit.plan_id == VisitPlan.id, isouter=True)
                .where(VisitPlan.status == "submitted").group_by(VisitPlan.id)
                .order_by(VisitPlan.period_start, User.display_name))
        if manager_id:
            stmt = stmt.where(User.manager_id == manager_id)
        return [dict(row_to_dict(p), owner_name=name or "", visits=n) for p, name, n in session.execute(stmt)]


def check_in(replica: Replica, visit_id: str, at: dt.datetime, *,
             lat: Optional[float] = None, lon: Optional[float] = None) -> dict:
    """The rep arrives: time and, when known, position."""
    with replica.edit() as session:
        visit = _open_visit(session, visit_id, ("planned",))
        visit.status, visit.checkin_at, visit.checkin_lat, visit.checkin_lon = "checked_in", at, lat, lon
        session.flush()
        return row_to_dict(visit)


def check_out(replica: Replica, visit_id: str, at: dt.datetime, *, report: str = "",
              lat: Optional[float] = None, lon: Optional[float] = None) -> dict:
    """The rep leaves, with the visit report."""
    with replica.edit() as session:
        visit = _open_visit(session, visit_id, ("checked_in",))
        if visit.checkin_at and at <= visit.checkin_at:
            raise ValidationError({"checkout_at": "must be after the check-in"}, "visit")
        visit.status, visit.checkout_at, visit.checkout_lat, visit.checkout_lon = "done", at, lat, lon
        if report.strip():
            visit.report = report.strip()
        session.flush()
        return row_to_dict(visit)


def _open_visit(session, visit_id: str, states: tuple[str, ...]) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise ValidationError({"id": f"no visit with id {visit_id}"}, "visit")
    if visit.status not in states:
        raise ValidationError({"status": f"the visit is {visit.status.replace('_', ' ')}"}, "visit")
    return visit
