"""Writing what the ERP says as server changes laptops receive on their next pull.

The same path every server change takes (see :mod:`fieldcrm.server.admin`):
the row gets a new version and its ops are appended by
:func:`~fieldcrm.server.distribution.place_changed` into the transaction's
:class:`~fieldcrm.server.oplog.OpLog`, which the caller flushes before commit.
Values are checked with the entities' own validation (ERP-owned fields
allowed), so a value the ERP sends that the CRM cannot hold is refused with a
message naming the field, and nothing is half-written. :class:`ErpChanges`
does the same for a page of rows at once (the master-data pull).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fieldcrm.server.distribution import (PLACEMENT_FIELDS, Placement, place_changed, territory_bucket,
                                          user_bucket)
from fieldcrm.server.oplog import OpLog
from fieldcrm.server.seed import create_row
from fieldcrm.storage.base import Entity
from fieldcrm.storage.registry import ENTITIES
from fieldcrm.storage.types import utcnow
from fieldcrm.storage.validation import validate_changes


def checked(entity: str, values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Coerce and check ERP values; raises ValidationError naming each bad field."""
    return validate_changes(ENTITIES[entity], values, creating=creating, allow_server_owned=True)


def create_from_erp(session: Session, oplog: OpLog, entity: str, values: Mapping[str, Any]) -> Entity:
    """A new row (version 1) with its ops; ``values`` must hold the id."""
    clean = checked(entity, values, creating=True)
    return create_row(session, oplog, entity, clean, by=None)


def update_from_erp(session: Session, oplog: OpLog, row: Entity, values: Mapping[str, Any],
                    *, by: Optional[str] = None) -> bool:
    """Write the fields that differ; returns False (and writes nothing) when none do."""
    entity = type(row).__entity__
    clean = checked(entity, values, creating=False)
    changed = {k: v for k, v in clean.items() if getattr(row, k) != v}
    if not changed:
        return False
    old = {column.key: getattr(row, column.key) for column in type(row).__table__.columns}
    for name, value in changed.items():
        setattr(row, name, value)
    row.version = (row.version or 0) + 1
    row.updated_at, row.updated_by = utcnow(), by
    session.flush()
    place_changed(session, oplog, row, old=old)
    return True


class ErpChanges:
    """ERP values for many rows of one entity, written together in the caller's transaction.

    ``create`` and ``update`` check the values first (raising ValidationError
    before anything is written, so a refused record needs no savepoint);
    ``write`` inserts the new rows in one statement, flushes the changed ones
    at once and places the ops of all of them in the transaction's OpLog.
    """

    def __init__(self, session: Session, oplog: OpLog, entity: str):
        self.session, self.oplog, self.entity = session, oplog, entity
        self.cls = ENTITIES[entity]
        self._new: list[dict[str, Any]] = []
        self._changed: list[tuple[Entity, dict[str, Any]]] = []  # row, its placement before

    def create(self, values: Mapping[str, Any]) -> str:
        """A new row (version 1) to insert; ``values`` must hold the id."""
        clean = checked(self.entity, values, creating=True)
        clean.update(version=1, updated_at=utcnow(), updated_by=None)
        self._new.append(clean)
        return clean["id"]

    def update(self, row: Entity, values: Mapping[str, Any]) -> bool:
        """Set the fields that differ; False (nothing to write) when none do."""
        clean = checked(self.entity, values, creating=False)
        changed = {k: v for k, v in clean.items() if getattr(row, k) != v}
        if not changed:
            return False
        before = {name: getattr(row, name) for name in PLACEMENT_FIELDS.get(self.entity, ())}
        for name, value in changed.items():
            setattr(row, name, value)
        row.version = (row.version or 0) + 1
        row.updated_at, row.updated_by = utcnow(), None
        self._changed.append((row, before))
        return True

    def write(self) -> None:
        if self._new:
            self.session.execute(insert(self.cls), self._new)
        self.session.flush()
        self.oplog.preload((self.entity, row.id) for row, _ in self._changed)
        for row, before in self._changed:
            place_changed(self.session, self.oplog, row, old=before)
        placement = Placement(self.session)
        for values in self._new:
            self.oplog.put(self.entity, values["id"], _buckets_of_new(placement, self.entity, values))
        self._new, self._changed = [], []


def _buckets_of_new(placement: Placement, entity: str, values: Mapping[str, Any]) -> set[str]:
    """Buckets of a row inserted in this transaction: no other row can hang off it yet."""
    if entity == "account":  # no service job names it yet: its territory and its owner
        return ({territory_bucket(values["territory_id"])} if values.get("territory_id") else set()) | (
            {user_bucket(values["owner_id"])} if values.get("owner_id") else set())
    return placement.buckets_of(entity, values)
