"""Expected revenue by month or quarter, and the roll-up against quota.

For each period, in one currency:

* **won**: the amount of deals won with a close date in the period;
* **weighted** (expected revenue): won + Σ amount × probability of the open
  deals expected to close in the period;
* **best case**: won + Σ amount of those open deals (every one of them won).

Quota: ``TerritoryMember.quota`` is a rep's yearly quota in that territory
(set on the server by the manager, or seeded); a month's share is a twelfth,
a quarter's a quarter. A territory's quota is the sum over its members and
its sub-territories. Quotas carry no currency of their own (they are in the
currency the rep sells in), so the roll-up in a currency lists the reps and
territories that have deals in it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from sqlalchemy import select

from fieldcrm.services.pipeline import PipelineFilter, opportunity_facts
from fieldcrm.storage.reference import Territory, TerritoryMember, User
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import STAGE_PROBABILITY, Account, Opportunity

UNITS = ("month", "quarter")
PER_YEAR = {"month": 12, "quarter": 4}
ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    unit: str
    first: dt.date
    last: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.unit == "month":
            return self.first.strftime("%Y-%m")
        return f"{self.first.year} Q{(self.first.month - 1) // 3 + 1}"

    @property
    def short_label(self) -> str:
        """"Mar 25", "Q2 25": fits under a chart's bar."""
        if self.unit == "month":
            return self.first.strftime("%b %y")
        return f"Q{(self.first.month - 1) // 3 + 1} {self.first:%y}"

    def holds(self, day: Optional[dt.date]) -> bool:
        return day is not None and self.first <= day <= self.last


@dataclass(frozen=True)
class ForecastRow:
    period: Period
    won: Decimal
    weighted: Decimal
    best_case: Decimal


@dataclass(frozen=True)
class RollupRow:
    key: str  # user or territory id
    name: str
    quota: Decimal
    won: Decimal
    weighted: Decimal
    best_case: Decimal
    depth: int = 0  # nesting of a sub-territory

    @property
    def attainment(self) -> Optional[float]:
        """Won as a share of quota (None without a quota)."""
        return float(self.won / self.quota) if self.quota else None


def period_of(day: dt.date, unit: str) -> Period:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}")
    month = day.month if unit == "month" else (day.month - 1) // 3 * 3 + 1
    first = dt.date(day.year, month, 1)
    months = 1 if unit == "month" else 3
    y, m = divmod(first.month - 1 + months, 12)
    return Period(unit, first, dt.date(first.year + y, m + 1, 1) - dt.timedelta(days=1))


def periods(start: dt.date, count: int, unit: str) -> list[Period]:
    """``count`` consecutive periods, the first holding ``start``."""
    out = [period_of(start, unit)]
    while len(out) < count:
        out.append(period_of(out[-1].last + dt.timedelta(days=1), unit))
    return out


def _facts(session, flt: PipelineFilter, currency: str):
    rows = opportunity_facts(session, flt, (
        Opportunity.owner_id, Account.territory_id, Opportunity.stage, Opportunity.amount,
        Opportunity.currency, Opportunity.probability, Opportunity.expected_close, Opportunity.closed_at,
    ))
    return [r for r in rows if r.currency == currency and r.stage != "lost"]


def _contribution(row, period: Period) -> tuple[Decimal, Decimal, Decimal]:
    """(won, weighted, best case) that one deal adds to ``period``."""
    amount = Decimal(row.amount or 0)
    if row.stage == "won":
        return (amount, amount, amount) if period.holds(row.closed_at or row.expected_close) else (ZERO,) * 3
    if not period.holds(row.expected_close):
        return ZERO, ZERO, ZERO
    probability = row.probability if row.probability is not None else STAGE_PROBABILITY[row.stage]
    return ZERO, amount * probability / 100, amount


def _sum(rows, period: Period) -> tuple[Decimal, Decimal, Decimal]:
    won = weighted = best = ZERO
    for row in rows:
        a, b, c = _contribution(row, period)
        won, weighted, best = won + a, weighted + b, best + c
    return won, weighted, best


def forecast(replica: Replica, *, start: dt.date, count: int = 6, unit: str = "month",
             currency: str = "USD", flt: PipelineFilter = PipelineFilter()) -> list[ForecastRow]:
    """Won, weighted and best-case revenue for ``count`` periods from ``start``."""
    spans = periods(start, count, unit)
    with replica.read() as session:
        rows = _facts(session, flt, currency)
    return [ForecastRow(p, *_sum(rows, p)) for p in spans]


def quota_rollup(replica: Replica, *, day: dt.date, unit: str = "quarter", currency: str = "USD",
                 by: str = "rep", flt: PipelineFilter = PipelineFilter()) -> list[RollupRow]:
    """Per rep (``by="rep"``) or per territory, the period holding ``day`` against quota."""
    period = period_of(day, unit)
    share = PER_YEAR[unit]
    with replica.read() as session:
        rows = _facts(session, flt, currency)
        members = session.execute(select(TerritoryMember.territory_id, TerritoryMember.user_id,
                                         TerritoryMember.quota)).all()
        names = dict(session.execute(select(User.id, User.display_name)).all())
        territories = session.execute(select(Territory.id, Territory.name, Territory.parent_id)
                                      .order_by(Territory.code)).all()
    if by == "rep":
        return _by_rep(rows, members, names, period, share)
    if by == "territory":
        return _by_territory(rows, members, territories, period, share)
    raise ValueError("by must be 'rep' or 'territory'")


def _grouped(rows, members, share: int, by: str) -> tuple[dict[str, Decimal], dict[str, list]]:
    """(period quota, deals) per rep (``by="owner_id"``) or per territory (``"territory_id"``)."""
    quota: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for member in members:
        if member.quota is not None:
            quota[member.user_id if by == "owner_id" else member.territory_id] += Decimal(member.quota) / share
    deals: dict[str, list] = defaultdict(list)
    for row in rows:
        deals[getattr(row, by)].append(row)
    return quota, deals


def _by_rep(rows, members, names, period: Period, share: int) -> list[RollupRow]:
    quota, deals = _grouped(rows, members, share, "owner_id")
    out = [RollupRow(user, names.get(user, user), quota.get(user, ZERO), *_sum(group, period))
           for user, group in deals.items()]
    return sorted(out, key=lambda r: r.name.lower())


def _by_territory(rows, members, territories, period: Period, share: int) -> list[RollupRow]:
    parent = {t.id: t.parent_id for t in territories}
    own_quota, deals = _grouped(rows, members, share, "territory_id")

    def lineage(tid: Optional[str]):
        seen = set()
        while tid is not None and tid not in seen:
            seen.add(tid)
            yield tid
            tid = parent.get(tid)

    quota: dict[str, Decimal] = defaultdict(lambda: ZERO)
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for tid, value in own_quota.items():
        for up in lineage(tid):
            quota[up] += value
    for tid, group in deals.items():
        won, weighted, best = _sum(group, period)
        for up in lineage(tid):
            acc = sums[up]
            acc[0], acc[1], acc[2] = acc[0] + won, acc[1] + weighted, acc[2] + best
    children: dict[Optional[str], list] = defaultdict(list)
    for t in territories:
        children[t.parent_id if t.parent_id in parent else None].append(t)
    out: list[RollupRow] = []

    def walk(tid: Optional[str], depth: int) -> None:
        for t in children.get(tid, []):
            if t.id in sums:
                out.append(RollupRow(t.id, t.name, quota.get(t.id, ZERO), *sums.get(t.id, [ZERO] * 3), depth=depth))
            walk(t.id, depth + 1)

    walk(None, 0)
    return out
