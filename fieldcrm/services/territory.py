"""Territories: where accounts are, how each territory is doing, and realignment.

``map_of_accounts`` returns compact parallel lists (one entry per placed
account) for the map; ``territory_kpis`` the list beside it. A manager
previews a move of accounts to another territory (``preview_realignment``:
the KPIs of the territories involved, before and after) and applies it
(``realign_territory``): each account's territory (and, when its rep does not
work there, its owner) changes through the replica's change capture, so the
move syncs like any edit; the server then realigns whose laptops hold it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable, Mapping, Optional

from sqlalchemy import func, select

from fieldcrm.storage.reference import Territory, TerritoryMember, User
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import Account, Opportunity, Visit
from fieldcrm.storage.service import ServiceJob
from fieldcrm.storage.validation import ValidationError

OPEN_JOB_STATES = ("new", "scheduled", "en_route", "in_progress", "on_hold")
CHUNK = 500


@dataclass(frozen=True)
class TerritoryInfo:
    id: str
    code: str
    name: str
    parent_id: Optional[str]


@dataclass
class AccountMap:
    """Placed accounts as parallel lists (index i is one account)."""

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    territory: list[int] = field(default_factory=list)  # index into territories, -1 none
    pipeline: list[float] = field(default_factory=list)  # open amount, account currency
    overdue: list[bool] = field(default_factory=list)  # a visit is due and not made
    territories: list[TerritoryInfo] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class AccountFacts:
    territory_id: Optional[str]
    pipeline: Decimal
    currency: str
    covered: Optional[bool]  # None: no visit frequency set
    open_jobs: int


@dataclass(frozen=True)
class TerritoryKpi:
    id: Optional[str]
    code: str
    name: str
    accounts: int
    open_pipeline: Decimal
    currency: str
    with_frequency: int
    covered: int
    open_jobs: int

    @property
    def coverage(self) -> Optional[float]:
        """Share of accounts with a visit frequency that were visited within it."""
        return self.covered / self.with_frequency if self.with_frequency else None


def _territories(session) -> list[TerritoryInfo]:
    rows = session.execute(select(Territory.id, Territory.code, Territory.name, Territory.parent_id)
                           .order_by(Territory.code)).all()
    return [TerritoryInfo(*r) for r in rows]


def _open_pipeline(session) -> dict[str, tuple[Decimal, str]]:
    rows = session.execute(
        select(Opportunity.account_id, Opportunity.currency, func.sum(Opportunity.amount))
        .where(Opportunity.stage.not_in(("won", "lost")))
        .group_by(Opportunity.account_id, Opportunity.currency)).all()
    return {r[0]: (Decimal(str(r[2] or 0)), r[1]) for r in rows}


def _last_visits(session) -> dict[str, dt.datetime]:
    rows = session.execute(
        select(Visit.account_id, func.max(func.coalesce(Visit.checkin_at, Visit.planned_start)))
        .where(Visit.status == "done").group_by(Visit.account_id)).all()
    return {r[0]: r[1] for r in rows if r[1]}


def _is_covered(frequency: Optional[int], last: Optional[dt.datetime], now: dt.datetime) -> Optional[bool]:
    if not frequency:
        return None
    return last is not None and now - last <= dt.timedelta(days=frequency)


def map_of_accounts(replica: Replica, *, now: Optional[dt.datetime] = None) -> AccountMap:
    """Every account with a position, its territory, open pipeline and visit state."""
    now = now or dt.datetime.now(dt.timezone.utc)
    out = AccountMap()
    with replica.read() as session:
        out.territories = _territories(session)
        index = {t.id: i for i, t in enumerate(out.territories)}
        pipeline = _open_pipeline(session)
        last = _last_visits(session)
        rows = session.execute(
            select(Account.id, Account.name, Account.lat, Account.lon, Account.territory_id,
                   Account.visit_frequency_days)
            .where(Account.lat.is_not(None), Account.lon.is_not(None))).all()
    for aid, name, lat, lon, tid, freq in rows:
        out.ids.append(aid)
        out.names.append(name)
        out.lats.append(lat)
        out.lons.append(lon)
        out.territory.append(index.get(tid, -1))
        out.pipeline.append(float(pipeline.get(aid, (0, ""))[0]))
        out.overdue.append(_is_covered(freq, last.get(aid), now) is False)
    return out


def account_facts(replica: Replica, *, now: Optional[dt.datetime] = None) -> dict[str, AccountFacts]:
    """What each account adds to its territory's KPIs, by account id."""
    now = now or dt.datetime.now(dt.timezone.utc)
    with replica.read() as session:
        pipeline = _open_pipeline(session)
        last = _last_visits(session)
        jobs = dict(session.execute(
            select(ServiceJob.account_id, func.count()).where(ServiceJob.status.in_(OPEN_JOB_STATES))
            .group_by(ServiceJob.account_id)).all())
        rows = session.execute(select(Account.id, Account.territory_id, Account.visit_frequency_days)).all()
    out = {}
    for aid, tid, freq in rows:
        amount, currency = pipeline.get(aid, (Decimal(0), ""))
        out[aid] = AccountFacts(tid, amount, currency, _is_covered(freq, last.get(aid), now), jobs.get(aid, 0))
    return out


def kpis_from_facts(facts: Mapping[str, AccountFacts], territories: Iterable[TerritoryInfo],
                    only: Optional[set] = None) -> list[TerritoryKpi]:
    """Sum account facts per territory (territories in ``only``, or all)."""
    sums: dict[Optional[str], list] = defaultdict(lambda: [0, Decimal(0), Counter(), 0, 0, 0])
    for f in facts.values():
        if only is not None and f.territory_id not in only:
            continue
        s = sums[f.territory_id]
        s[0] += 1
        s[1] += f.pipeline
        if f.currency:
            s[2][f.currency] += 1
        if f.covered is not None:
            s[3] += 1
            s[4] += int(f.covered)
        s[5] += f.open_jobs
    out = []
    for t in territories:
        if only is not None and t.id not in only:
            continue
        s = sums.get(t.id, [0, Decimal(0), Counter(), 0, 0, 0])
        currency = s[2].most_common(1)[0][0] if s[2] else ""
        out.append(TerritoryKpi(t.id, t.code, t.name, s[0], s[1], currency, s[3], s[4], s[5]))
    return out


def territory_kpis(replica: Replica, *, now: Optional[dt.datetime] = None) -> list[TerritoryKpi]:
    """Accounts, open pipeline, visit coverage and open service jobs per territory."""
    facts = account_facts(replica, now=now)
    with replica.read() as session:
        territories = _territories(session)
    return kpis_from_facts(facts, territories)


@dataclass(frozen=True)
class RealignmentPreview:
    target_id: str
    account_ids: tuple[str, ...]
    before: list[TerritoryKpi]  # the territories involved, as they are
    after: list[TerritoryKpi]  # and after the move


def preview_realignment(replica: Replica, account_ids: Iterable[str], territory_id: str, *,
                        now: Optional[dt.datetime] = None) -> RealignmentPreview:
    """The KPIs of the territories the accounts leave and join, before and after."""
    ids = tuple(dict.fromkeys(account_ids))
    facts = account_facts(replica, now=now)
    with replica.read() as session:
        territories = _territories(session)
    if territory_id not in {t.id for t in territories}:
        raise ValidationError({"territory_id": f"no territory with id {territory_id}"}, "account")
    involved = {facts[a].territory_id for a in ids if a in facts} | {territory_id}
    moved = dict(facts)
    for aid in ids:
        if aid in moved:
            moved[aid] = replace(moved[aid], territory_id=territory_id)
    return RealignmentPreview(
        territory_id, ids,
        kpis_from_facts(facts, territories, involved),
        kpis_from_facts(moved, territories, involved),
    )


def _new_owner(session, territory_id: str, current_owner: Optional[str], load: Counter) -> Optional[str]:
    """The account's rep after the move: kept when they work in the territory,
    else the territory's rep with the fewest accounts there."""
    reps = session.execute(
        select(TerritoryMember.user_id).join(User, User.id == TerritoryMember.user_id)
        .where(TerritoryMember.territory_id == territory_id, User.role == "rep", User.active.is_(True))
        .order_by(User.display_name)).scalars().all()
    if not reps or current_owner in reps:
        return current_owner
    return min(reps, key=lambda rep: load[rep])


def realign_territory(replica: Replica, account_ids: Iterable[str], territory_id: str) -> list[dict]:
    """Move accounts to ``territory_id`` as one local edit; returns what changed per account."""
    ids = list(dict.fromkeys(account_ids))
    if not ids:
        raise ValidationError({"account_id": "choose at least one account to move"}, "account")
    changed = []
    with replica.edit() as session:
        if session.get(Territory, territory_id) is None:
            raise ValidationError({"territory_id": f"no territory with id {territory_id}"}, "account")
        load = Counter(dict(session.execute(
            select(Account.owner_id, func.count()).where(Account.territory_id == territory_id)
            .group_by(Account.owner_id)).all()))
        for start in range(0, len(ids), CHUNK):
            for acc in session.execute(select(Account).where(Account.id.in_(ids[start:start + CHUNK]))).scalars():
                if acc.territory_id == territory_id:
                    continue
                owner = _new_owner(session, territory_id, acc.owner_id, load)
                changed.append({"id": acc.id, "name": acc.name, "from_territory": acc.territory_id,
                                "to_territory": territory_id, "from_owner": acc.owner_id, "to_owner": owner})
                acc.territory_id = territory_id
                if owner != acc.owner_id:
                    load[owner] += 1
                    acc.owner_id = owner
        session.flush()
    return changed
