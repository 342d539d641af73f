"""Server-side row lifecycle: soft delete with tombstones, and bulk loading."""

from __future__ import annotations

from typing import Iterable, Optional

import orjson
from sqlalchemy import insert
from sqlalchemy.orm import Session

from fieldcrm.server.distribution import dependents, realign, realign_account
from fieldcrm.server.oplog import OpLog
from fieldcrm.server.scope import Caller
from fieldcrm.server.tables import Tombstone
from fieldcrm.storage.base import Entity
from fieldcrm.storage.registry import ENTITIES, row_to_dict
from fieldcrm.storage.types import utcnow


def tombstone_visible(tomb: Tombstone, caller: Caller) -> bool:
    """Whether the caller could see the row before it was deleted."""
    return caller.is_admin or bool(set(orjson.loads(tomb.buckets)) & caller.subscriptions)


def _bury(session: Session, oplog: OpLog, row: Entity, by: Optional[str]) -> int:
    entity = type(row).__entity__
    held = oplog.held(entity, row.id)
    version = row.version + 1
    session.merge(Tombstone(
        entity=entity, row_id=row.id, version=version, deleted_at=utcnow(), deleted_by=by,
        row=orjson.dumps(row_to_dict(row)).decode(), buckets=orjson.dumps(sorted(held)).decode(),
    ))
    oplog.remove(entity, row.id, held)
    session.delete(row)
    return version


def delete_row(session: Session, oplog: OpLog, row: Entity, *, by: Optional[str]) -> int:
    """Delete a row and its composition children; each leaves a tombstone and
    REMOVE ops. Rows that merely point at it (visits of an account) are
    re-placed. Returns the deleted row's final version."""
    entity = type(row).__entity__
    children = list(dependents(session, entity, row.id, composition_only=True))
    for child in reversed(children):
        _bury(session, oplog, child, by)
    account_id = getattr(row, "account_id", None) if entity == "service_job" else None
    version = _bury(session, oplog, row, by)
    session.flush()
    realign(session, oplog, entity, row.id)
    if account_id:
        realign_account(session, oplog, account_id)
    return version


def insert_rows(session: Session, entity: str, rows: Iterable[dict]) -> int:
    """Insert complete rows in their stored form (bulk load; no ops written)."""
    rows = list(rows)
    if rows:
        session.execute(insert(ENTITIES[entity].__table__), rows)
    return len(rows)
