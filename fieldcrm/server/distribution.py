"""Who sees what: the buckets each row belongs to, and realignment.

Buckets are ``global`` (reference data), ``territory:<id>`` and ``user:<id>``.

- reference entities (users, territories and members, products) → global;
- an account → its territory and its owner, and every technician with a job
  on it; the account's children (contacts, opportunities and their lines,
  orders and their lines, service jobs and their checklist/parts/time) go
  where the account goes;
- visits and activities → their owner and the territory of their account;
- visit plans → their owner and the owner's manager;
- attachments follow their job, else their account, else their visit.

When a row's placement changes (an account moves, a job gets another
technician) ``realign`` moves every row that hangs off it with REMOVE/PUT ops
in the same transaction.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcrm.server.oplog import OpLog
from fieldcrm.storage.base import Entity
from fieldcrm.storage.registry import ENTITIES, ENTITY_CLASSES
from fieldcrm.storage.reference import User
from fieldcrm.storage.sales import Account, Visit
from fieldcrm.storage.service import ServiceJob

GLOBAL = "global"


def territory_bucket(territory_id: str) -> str:
    return f"territory:{territory_id}"


def user_bucket(user_id: str) -> str:
    return f"user:{user_id}"


# (child entity, link column, parent entity): rows that are placed by the row
# they point at. Composition links come from ``__parent__``; the rest are the
# looser links the placement rules follow.
LINKS: tuple[tuple[str, str, str], ...] = tuple(
    (cls.__entity__, cls.__parent__[0], cls.__parent__[1]) for cls in ENTITY_CLASSES if cls.__parent__
) + (
    ("visit", "account_id", "account"),
    ("activity", "account_id", "account"),
    ("attachment", "job_id", "service_job"),
    ("attachment", "account_id", "account"),
    ("attachment", "visit_id", "visit"),
)
COMPOSITION = frozenset((cls.__entity__, cls.__parent__[1]) for cls in ENTITY_CLASSES if cls.__parent__)
# Fields whose change moves a row (or the rows hanging off it) between buckets.
PLACEMENT_FIELDS: dict[str, frozenset[str]] = {
    "account": frozenset({"territory_id", "owner_id"}),
    "service_job": frozenset({"technician_id", "account_id"}),
    "visit": frozenset({"owner_id", "account_id"}),
    "activity": frozenset({"owner_id", "account_id"}),
    "visit_plan": frozenset({"owner_id"}),
    "lead": frozenset({"owner_id"}),
    "attachment": frozenset({"job_id", "account_id", "visit_id"}),
}
for _child, _column, _parent in LINKS:
    PLACEMENT_FIELDS[_child] = PLACEMENT_FIELDS.get(_child, frozenset()) | {_column}


class Placement:
    """Computes the buckets of rows, reading what it needs in the session."""

    def __init__(self, session: Session):
        self.session = session

    # -- lookups -----------------------------------------------------------
    def account_buckets(self, account_id: Optional[str]) -> set[str]:
        if not account_id:
            return set()
        account = self.session.get(Account, account_id)
        if account is None:
            return set()
        out = set()
        if account.territory_id:
            out.add(territory_bucket(account.territory_id))
        if account.owner_id:
            out.add(user_bucket(account.owner_id))
        out.update(user_bucket(t) for t in self.technicians_of(account_id))
        return out

    def technicians_of(self, account_id: str) -> Iterable[str]:
        """Technicians with a job on the account."""
        return self.session.execute(
            select(ServiceJob.technician_id)
            .where(ServiceJob.account_id == account_id, ServiceJob.technician_id.is_not(None))
            .distinct()
        ).scalars()

    def account_territory(self, account_id: Optional[str]) -> set[str]:
        account = self.session.get(Account, account_id) if account_id else None
        if account is None or not account.territory_id:
            return set()
        return {territory_bucket(account.territory_id)}

    def account_of(self, entity: str, row_id: Optional[str]) -> Optional[str]:
        """The account at the root of a composition chain."""
        while row_id and entity != "account":
            cls = ENTITIES[entity]
            if not cls.__parent__:
                return None
            column, parent = cls.__parent__
            row_id = self.session.execute(
                select(getattr(cls, column)).where(cls.id == row_id)
            ).scalar_one_or_none()
            entity = parent
        return row_id

    def manager_of(self, user_id: Optional[str]) -> Optional[str]:
        if not user_id:
            return None
        user = self.session.get(User, user_id)
        return user.manager_id if user else None

    def visit_values(self, visit_id: str) -> Optional[dict[str, Any]]:
        visit = self.session.get(Visit, visit_id)
        return _values(visit) if visit is not None else None

    # -- the rules -----------------------------------------------------------
    def buckets_of(self, entity: str, values: Mapping[str, Any]) -> set[str]:
        cls = ENTITIES[entity]
        if cls.__reference__:
            return {GLOBAL}
        if entity == "account":
            return self.account_buckets(values["id"])
        if cls.__parent__:
            column, parent = cls.__parent__
            return self.account_buckets(self.account_of(parent, values.get(column)))
        if entity in ("visit", "activity"):
            out = self.account_territory(values.get("account_id"))
            if values.get("owner_id"):
                out.add(user_bucket(values["owner_id"]))
            return out
        if entity in ("visit_plan", "lead"):
            owner = values.get("owner_id") or values.get("updated_by")
            if not owner:
                return set()
            out = {user_bucket(owner)}
            manager = self.manager_of(owner)
            if manager:
                out.add(user_bucket(manager))
            return out
        if entity == "attachment":
            if values.get("job_id"):
                return self.account_buckets(self.account_of("service_job", values["job_id"]))
            if values.get("account_id"):
                return self.account_buckets(values["account_id"])
            if values.get("visit_id"):
                visit = self.visit_values(values["visit_id"])
                if visit is not None:
                    return self.buckets_of("visit", visit)
            return {user_bucket(values["updated_by"])} if values.get("updated_by") else set()
        raise LookupError(f"no placement rule for {entity}")

    def buckets_of_row(self, row: Entity) -> set[str]:
        return self.buckets_of(type(row).__entity__, _values(row))


class BatchPlacement(Placement):
    """Placement for one push batch: each account's technicians read once.

    The batch calls ``forget`` whenever it writes a service job, since that
    can change who works on an account.
    """

    def __init__(self, session: Session):
        super().__init__(session)
        self._technicians: dict[str, frozenset[str]] = {}

    def preload(self, account_ids: Iterable[str]) -> None:
        wanted = sorted({a for a in account_ids if a and a not in self._technicians})
        if not wanted:
            return
        found: dict[str, set[str]] = {a: set() for a in wanted}
        for account_id, technician in self.session.execute(
            select(ServiceJob.account_id, ServiceJob.technician_id).where(
                ServiceJob.account_id.in_(wanted), ServiceJob.technician_id.is_not(None))
        ):
            found[account_id].add(technician)
        self._technicians.update((a, frozenset(t)) for a, t in found.items())

    def technicians_of(self, account_id: str) -> Iterable[str]:
        if account_id not in self._technicians:
            self._technicians[account_id] = frozenset(super().technicians_of(account_id))
        return self._technicians[account_id]

    def forget(self) -> None:
        self._technicians.clear()


def _values(row: Entity) -> dict[str, Any]:
    return {col.key: getattr(row, col.key) for col in type(row).__table__.columns}


def dependents(session: Session, entity: str, row_id: str, *, composition_only: bool = False) -> Iterator[Entity]:
    """Rows that hang off a row (depth first: parents before their own dependents)."""
    for child, column, parent in LINKS:
        if parent != entity:
            continue
        if composition_only and (child, parent) not in COMPOSITION:
            continue
        cls = ENTITIES[child]
        for row in session.execute(select(cls).where(getattr(cls, column) == row_id)).scalars():
            yield row
            yield from dependents(session, child, row.id, composition_only=composition_only)


def realign(session: Session, oplog: OpLog, entity: str, row_id: str) -> int:
    """Re-place every row hanging off this one; returns how many rows moved."""
    placement = Placement(session)
    moved = 0
    seen: set[tuple[str, str]] = set()
    for row in dependents(session, entity, row_id):
        key = (type(row).__entity__, row.id)
        if key in seen:
            continue
        seen.add(key)
        before = oplog.held(*key)
        targets = placement.buckets_of_row(row)
        if targets != before:
            oplog.place(key[0], key[1], targets, changed=False)
            moved += 1
    return moved


def place_changed(session: Session, oplog: OpLog, row: Entity, *, old: Optional[Mapping[str, Any]] = None,
                  targets: Optional[set[str]] = None) -> None:
    """Publish a written row and move what hangs off it when its placement changed.

    ``targets`` are the row's buckets when the caller has just computed them.
    """
    entity = type(row).__entity__
    if targets is None:
        targets = Placement(session).buckets_of_row(row)
    oplog.place(entity, row.id, targets, changed=True)
    fields = PLACEMENT_FIELDS.get(entity, frozenset())
    moved = old is None or any(old.get(f) != getattr(row, f) for f in fields)
    if not moved:
        return
    if entity == "account":
        realign(session, oplog, "account", row.id)
    elif entity == "service_job":
        # The account's technicians changed: the account and its rows move.
        for account_id in {row.account_id, (old or {}).get("account_id")} - {None}:
            realign_account(session, oplog, account_id)
    else:
        realign(session, oplog, entity, row.id)


def realign_account(session: Session, oplog: OpLog, account_id: str) -> int:
    account = session.get(Account, account_id)
    if account is None:
        return 0
    targets = Placement(session).buckets_of_row(account)
    moved = 0
    if targets != oplog.held("account", account_id):
        oplog.place("account", account_id, targets, changed=False)
        moved = 1
    return moved + realign(session, oplog, "account", account_id)

