"""Change capture: every flush of a local-edit session writes the outbox.

Hooked on the session's ``before_flush`` (as SQLAlchemy's versioned-history
example does), so a row change and its outbox entry are in the same
transaction and no write through the ORM can skip the outbox.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, Optional

import orjson
from sqlalchemy import bindparam, delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from fieldcrm.storage.base import SYSTEM_FIELDS, Entity
from fieldcrm.storage.local import OutboxEntry
from fieldcrm.storage.registry import fields_of, to_plain
from fieldcrm.storage.types import new_id, utcnow

CAPTURE = "capture"  # session.info key: True for sessions that record local edits
USER_ID = "user_id"  # session.info key: who is editing


class ReadOnlyError(PermissionError):
    """A local edit touched data the server or the ERP owns."""


def _dumps(value: dict) -> str:
    return orjson.dumps(value).decode()


def _loads(text: Optional[str]) -> dict:
    return orjson.loads(text) if text else {}


def _check_writable(obj: Entity) -> None:
    if type(obj).__reference__:
        raise ReadOnlyError(f"{type(obj).__entity__} records come from the server and are read-only here")


def _row_values(obj: Entity) -> dict[str, Any]:
    return {
        name: to_plain(getattr(obj, name))
        for name in fields_of(type(obj))
        if name not in SYSTEM_FIELDS or name == "id"
    }


@cache
def _editable_fields(cls: type[Entity]) -> tuple[str, ...]:
    """The columns a local edit may change, in table order."""
    return tuple(name for name in fields_of(cls) if name not in SYSTEM_FIELDS)


@cache
def _scalar_defaults(cls: type[Entity]) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (col.key, col.default.arg)
        for col in cls.__table__.columns
        if col.default is not None and col.default.is_scalar
    )


def _changed_fields(obj: Entity) -> tuple[dict[str, Any], dict[str, Any]]:
    """(new values, previous values) of the columns this flush changes."""
    state = inspect(obj)
    untouched = state.unmodified
    new: dict[str, Any] = {}
    old: dict[str, Any] = {}
    for name in _editable_fields(type(obj)):
        if name in untouched:
            continue
        hist = state.attrs[name].history
        if not hist.added:
            continue
        before = to_plain(hist.deleted[0]) if hist.deleted else None
        after = to_plain(hist.added[0])
        if before == after:
            continue
        new[name] = after
        old[name] = before
    return new, old


# The row's newest entry: an index lookup on (entity, row_id), without
# building and loading an ORM query on every flush.
_outbox = OutboxEntry.__table__.c
_NEWEST_ENTRY = (
    select(_outbox.seq, _outbox.sent_count, _outbox.state)
    .where(_outbox.entity == bindparam("entity"), _outbox.row_id == bindparam("row_id"))
    .order_by(_outbox.seq.desc())
    .limit(1)
)

# A new entry is written straight away on the flush's own connection (so in
# the row's transaction): cheaper than a pending ORM object the unit of work
# would sort, insert and fetch the key of.
_NEW_ENTRY = insert(OutboxEntry.__table__)


def _open_entry(session: Session, entity: str, row_id: str) -> Optional[OutboxEntry]:
    """The row's newest entry if it was never sent (so it may still be squashed)."""
    newest = session.connection().execute(_NEWEST_ENTRY, {"entity": entity, "row_id": row_id}).first()
    if newest is None or newest.sent_count != 0 or newest.state != "pending":
        return None
    entry = session.get(OutboxEntry, newest.seq)
    # The session's copy is the one the flush writes: judge by it.
    if entry is not None and entry.sent_count == 0 and entry.state == "pending":
        return entry
    return None


def _record(session: Session, obj: Entity, op: str, *, fresh_id: bool = False) -> bool:
    """Write or squash the outbox entry for one row; False when nothing changed.

    ``fresh_id``: the row's id was made in this flush, so no entry can exist yet.
    """
    cls = type(obj)
    entity = cls.__entity__
    if op == "create":
        fields = fields_of(cls)
        changes = {k: v for k, v in _row_values(obj).items() if k != "id" and not fields[k].server_owned}
        base = {}
    elif op == "update":
        changes, base = _changed_fields(obj)
        if not changes:
            return False
        owned = sorted(n for n in changes if fields_of(cls)[n].server_owned)
        if owned:
            raise ReadOnlyError(f"{', '.join(owned)} of {entity} come from the ERP and are read-only here")
    else:
        changes, base = {}, _row_values(obj)
        base.pop("id", None)
        # Values changed but not yet flushed count from their committed form.
        _, old = _changed_fields(obj)
        base.update(old)

    open_entry = None if fresh_id else _open_entry(session, entity, obj.id)
    if open_entry is not None:
        if op == "delete" and open_entry.op == "create":
            session.delete(open_entry)  # never reached the server: nothing to send
            return True
        if op == "delete":
            base = {**base, **_loads(open_entry.base)}
            open_entry.op, open_entry.changes, open_entry.base = "delete", "{}", _dumps(base)
            return True
        merged_changes = {**_loads(open_entry.changes), **changes}
        merged_base = {**base, **_loads(open_entry.base)} if open_entry.op == "update" else {}
        open_entry.changes = _dumps(merged_changes)
        open_entry.base = _dumps(merged_base)
        return True

    session.connection().execute(_NEW_ENTRY, {
        "mutation_id": str(uuid.uuid4()),
        "entity": entity,
        "row_id": obj.id,
        "op": op,
        "changes": _dumps(changes),
        "base": _dumps(base),
        "base_version": obj.version or 0,
        "created_at": utcnow(),
    })
    return True


def _apply_scalar_defaults(obj: Entity) -> None:
    """Fill column defaults now, so the outbox entry carries the stored values."""
    for key, value in _scalar_defaults(type(obj)):
        if getattr(obj, key) is None:
            setattr(obj, key, value)


def _before_flush(session: Session, flush_context, instances) -> None:
    if not session.info.get(CAPTURE):
        return
    user_id = session.info.get(USER_ID)
    now = utcnow()
    for obj in list(session.new):
        if isinstance(obj, Entity):
            _check_writable(obj)
            fresh_id = not obj.id
            if fresh_id:
                obj.id = new_id()
            obj.version = 0
            _apply_scalar_defaults(obj)
            obj.updated_at, obj.updated_by = now, user_id
            _record(session, obj, "create", fresh_id=fresh_id)
    for obj in list(session.dirty):
        if not isinstance(obj, Entity):
            continue
        if type(obj).__reference__:
            if session.is_modified(obj, include_collections=False):
                _check_writable(obj)
            continue
        # _record compares old and new values of the touched columns itself,
        # so a row set to the values it had writes nothing.
        if _record(session, obj, "update"):
            obj.updated_at, obj.updated_by = now, user_id
    for obj in list(session.deleted):
        if isinstance(obj, Entity):
            _check_writable(obj)
            _record(session, obj, "delete")


def drop_unsendable_entries(session: Session, entity_classes) -> int:
    """Remove never-sent entries whose rows a local delete cascaded away.

    A child created offline under a parent that is then deleted offline has
    nothing left to send; sending it would only be rejected by the server.
    """
    dropped = 0
    for cls in entity_classes:
        existing = select(cls.id)
        result = session.execute(
            delete(OutboxEntry)
            .where(
                OutboxEntry.entity == cls.__entity__,
                OutboxEntry.sent_count == 0,
                OutboxEntry.state == "pending",
                OutboxEntry.op != "delete",
                OutboxEntry.row_id.not_in(existing),
            )
        )
        dropped += result.rowcount or 0
    return dropped


def install(session_class) -> None:
    """Attach change capture to a session class (idempotent)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
