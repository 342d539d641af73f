"""Loading data the server did not receive from laptops: the demo organisation,
and rows an administrator creates in bulk.

A bulk load inserts rows in their stored form and then distributes every row
into its buckets in one pass, with lookups read once into memory instead of a
query per row.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from typing import Any, Iterable, Optional, TextIO

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldcrm.server import auth
from fieldcrm.server.admin import AdminError
from fieldcrm.server.db import Database
from fieldcrm.server.distribution import PLACEMENT_FIELDS, Placement, place_changed, territory_bucket, user_bucket
from fieldcrm.server.oplog import OpLog
from fieldcrm.server.rows import insert_rows
from fieldcrm.server.tables import BucketOp
from fieldcrm.storage.registry import ENTITIES, ENTITY_CLASSES
from fieldcrm.storage.types import utcnow


def create_row(session: Session, oplog: OpLog, entity: str, values: dict[str, Any], *, by: Optional[str]) -> Any:
    """Create one row as a server change (version 1, ops appended)."""
    row = ENTITIES[entity](**values)
    row.version, row.updated_at, row.updated_by = 1, utcnow(), by
    session.add(row)
    session.flush()
    place_changed(session, oplog, row, old=None)
    return row


class PreloadedPlacement(Placement):
    """Placement with every lookup read once (for distributing a whole database)."""

    def __init__(self, session: Session):
        super().__init__(session)
        q = lambda sql: session.execute(text(sql)).all()  # noqa: E731
        accounts = {a: (t, o) for a, t, o in q("SELECT id, territory_id, owner_id FROM account")}
        techs: dict[str, set[str]] = defaultdict(set)
        self._jobs: dict[str, str] = {}
        for job, account, tech in q("SELECT id, account_id, technician_id FROM service_job"):
            self._jobs[job] = account
            if tech:
                techs[account].add(tech)
        self._buckets: dict[str, frozenset[str]] = {}
        self._territory: dict[str, frozenset[str]] = {}
        for account, (territory, owner) in accounts.items():
            base = {territory_bucket(territory)} if territory else set()
            self._territory[account] = frozenset(base)
            if owner:
                base.add(user_bucket(owner))
            base.update(user_bucket(t) for t in techs.get(account, ()))
            self._buckets[account] = frozenset(base)
        self._parents = {
            "opportunity": dict(q("SELECT id, account_id FROM opportunity")),
            "sales_order": dict(q("SELECT id, account_id FROM sales_order")),
            "service_job": self._jobs,
        }
        self._managers = dict(q("SELECT id, manager_id FROM app_user"))
        self._visits = {v: {"account_id": a, "owner_id": o} for v, a, o in q("SELECT id, account_id, owner_id FROM visit")}

    def account_buckets(self, account_id):
        return set(self._buckets.get(account_id, ())) if account_id else set()

    def account_territory(self, account_id):
        return set(self._territory.get(account_id, ())) if account_id else set()

    def account_of(self, entity, row_id):
        if entity == "account":
            return row_id
        return self._parents.get(entity, {}).get(row_id)

    def manager_of(self, user_id):
        return self._managers.get(user_id)

    def visit_values(self, visit_id):
        return self._visits.get(visit_id)


def distribute_all(session: Session) -> int:
    """Write a PUT op into each of its buckets for every row that has no op yet."""
    placement = PreloadedPlacement(session)
    total = 0
    for cls in ENTITY_CLASSES:
        entity = cls.__entity__
        needed = ["id", "updated_by", *sorted(PLACEMENT_FIELDS.get(entity, ()))]
        columns = [getattr(cls, name) for name in dict.fromkeys(needed)]
        oplog = OpLog(session)
        placed = set(session.execute(select(BucketOp.row_id).where(BucketOp.entity == entity).distinct()).scalars())
        for row in session.execute(select(*columns)):
            values = row._asdict()
            if values["id"] in placed:
                continue
            oplog.put(entity, values["id"], placement.buckets_of(entity, values))
            total += 1
        oplog.flush(all_new=True)
    return total


def load(db: Database, chunks: Iterable[tuple[str, list[dict]]]) -> dict[str, int]:
    """Insert generated rows, then distribute them, in one transaction."""
    counts: dict[str, int] = defaultdict(int)
    with db.write() as session:
        for entity, rows in chunks:
            counts[entity] += insert_rows(session, entity, rows)
        session.flush()
        distribute_all(session)
    return dict(counts)


def seed_demo(db: Database, *, accounts: int, seed: int, out: TextIO) -> dict[str, int]:
    """Load the demo organisation and give every demo user a fresh password."""
    from fieldcrm.demo.generator import generate

    with db.read() as session:
        if session.execute(text("SELECT COUNT(*) FROM app_user")).scalar_one():
            raise AdminError("the database already has users; seed the demo into an empty database")
    counts = load(db, generate(seed=seed, accounts=accounts))
    passwords = {}
    with db.write() as session:
        for user_id, username in session.execute(text("SELECT id, username FROM app_user ORDER BY username")):
            passwords[username] = secrets.token_urlsafe(9)
            auth.set_password(session, user_id, passwords[username])
    print(f"demo data loaded: {sum(counts.values())} rows; demo passwords (shown once):", file=out)
    for username, password in passwords.items():
        print(f"  {username}\t{password}", file=out)
    return counts
