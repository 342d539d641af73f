"""Writing what the ERP says as server changes laptops receive on their next pull.

The same path every server change takes (see :mod:`fieldcrm.server.admin`):
the row gets a new version and its ops are appended by
:func:`~fieldcrm.server.distribution.place_changed` into the transaction's
:class:`~fieldcrm.server.oplog.OpLog`, which the caller flushes before commit.
Values are checked with the entities' own validation (ERP-owned fields
allowed), so a value the ERP sends that the CRM cannot hold is refused with a
message naming the field, and nothing is half-written.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from sqlalchemy.orm import Session

from fieldcrm.server.distribution import place_changed
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
