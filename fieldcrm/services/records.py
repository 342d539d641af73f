"""Create, read, update and delete any synced record.

Every write runs in one replica transaction in which change capture writes
the outbox entry, so the row and its outbox entry commit together or not at
all. Creates and updates write the row and the entry with Core statements on
the edit's connection (``capture.insert_row`` / ``update_row``), not through
the ORM's unit of work; deletes, rarer and cascading, go through the ORM.
Results are plain dicts, never live ORM objects.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fieldcrm.storage import search as fts
from fieldcrm.storage import capture
from fieldcrm.storage.capture import drop_unsendable_entries
from fieldcrm.storage.registry import (
    ENTITY_CLASSES, REFERENCES, entity_class, fields_of, row_to_dict, to_plain,
)
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import STAGE_PROBABILITY
from fieldcrm.storage.validation import ValidationError, coerce, validate_changes


class NotFound(LookupError):
    def __init__(self, entity: str, row_id: str):
        super().__init__(f"no {entity} with id {row_id}")
        self.entity, self.row_id = entity, row_id


# Statements built once per entity, so a write does not rebuild and re-key
# them (a fresh ``session.get`` costs several times the lookup itself).
@cache
def _by_id(cls):
    return select(cls).where(cls.id == bindparam("id"))


@cache
def _exists(cls):
    table = cls.__table__
    return select(literal_column("1")).select_from(table).where(table.c.id == bindparam("id"))


@cache
def _columns_by_id(cls):
    table = cls.__table__
    return select(table).where(table.c.id == bindparam("id"))


def _load(session: Session, cls, row_id: str):
    return session.execute(_by_id(cls), {"id": row_id}).scalar_one_or_none()


def _load_values(conn: Connection, cls, row_id: str) -> Optional[dict[str, Any]]:
    """The stored row as column values (no ORM object), or None."""
    row = conn.execute(_columns_by_id(cls), {"id": row_id}).first()
    return None if row is None else dict(row._mapping)


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: to_plain(value) for name, value in row.items()}


def _row_exists(conn: Connection, cls, row_id: str) -> bool:
    return conn.execute(_exists(cls), {"id": row_id}).first() is not None


def _check_references(conn: Connection, cls, values: Mapping[str, Any]) -> None:
    errors = {}
    for name, value in values.items():
        target = REFERENCES.get(name)
        if target is None or value is None:
            continue
        if not _row_exists(conn, entity_class(target), value):
            errors[name] = f"no {target.replace('_', ' ')} with id {value}"
    if errors:
        raise ValidationError(errors, cls.__entity__)


def _defaults(cls, values: dict[str, Any], user_id: Optional[str]) -> None:
    if cls.__entity__ == "opportunity" and values.get("probability") is None:
        values["probability"] = STAGE_PROBABILITY[values.get("stage") or "prospecting"]
    if cls.__entity__ == "lead" and not values.get("owner_id"):
        values["owner_id"] = user_id  # the rep who writes the lead down works it


class RecordService:
    """The use cases of plain record editing, over one replica."""

    def __init__(self, replica: Replica):
        self.replica = replica

    def create(self, entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
        cls = entity_class(entity)
        clean = validate_changes(cls, values, creating=True)
        with self.replica.edit_statements() as (conn, user_id):
            _defaults(cls, clean, user_id)
            _check_references(conn, cls, clean)
            if clean.get("id") and _row_exists(conn, cls, clean["id"]):
                raise ValidationError({"id": f"a {entity} with id {clean['id']} already exists"}, entity)
            row = capture.insert_row(conn, cls, clean, user_id)
        return _plain(row)

    def update(self, entity: str, row_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        cls = entity_class(entity)
        with self.replica.edit_statements() as (conn, user_id):
            current = _load_values(conn, cls, row_id)
            if current is None:
                raise NotFound(entity, row_id)
            clean = validate_changes(cls, values, creating=False, current=current)
            _check_references(conn, cls, {k: v for k, v in clean.items() if v != current.get(k)})
            row = capture.update_row(conn, cls, current, clean, user_id)
        return _plain(row)

    def delete(self, entity: str, row_id: str) -> None:
        cls = entity_class(entity)
        if cls.__reference__:
            raise ValidationError({"": f"{entity} records come from the server and cannot be deleted here"}, entity)
        with self.replica.edit() as session:
            obj = _load(session, cls, row_id)
            if obj is None:
                raise NotFound(entity, row_id)
            session.delete(obj)
            session.flush()
            # Children removed with their parent take their unsent entries along.
            children = [c for c in ENTITY_CLASSES if c.__parent__ and not c.__reference__]
            drop_unsendable_entries(session, children)

    def get(self, entity: str, row_id: str) -> dict[str, Any]:
        cls = entity_class(entity)
        with self.replica.read() as session:
            obj = _load(session, cls, row_id)
            if obj is None:
                raise NotFound(entity, row_id)
            return row_to_dict(obj)

    def list(
        self,
        entity: str,
        where: Optional[Mapping[str, Any]] = None,
        *,
        search: Optional[str] = None,
        order_by: Optional[str] = None,
        limit: Optional[int] = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        cls = entity_class(entity)
        fields = fields_of(cls)
        stmt = select(cls)
        errors = {}
        for name, raw in (where or {}).items():
            if name not in fields:
                errors[name] = f"is not a field of {entity}"
                continue
            try:
                stmt = stmt.where(getattr(cls, name) == coerce(fields[name], raw))
            except ValueError as exc:
                errors[name] = str(exc)
        if order_by and order_by.lstrip("-") not in fields:
            errors[order_by.lstrip("-")] = f"is not a field of {entity}"
        if errors:
            raise ValidationError(errors, entity)
        with self.replica.read() as session:
            if search is not None:
                clause = fts.match_filter(cls, search)
                if clause is not None:
                    stmt = stmt.where(clause)
            if order_by:
                col = getattr(cls, order_by.lstrip("-"))
                stmt = stmt.order_by(col.desc() if order_by.startswith("-") else col)
            else:
                label = cls.__label__[0]
                stmt = stmt.order_by(getattr(cls, label), cls.id)
            stmt = stmt.offset(offset)
            if limit is not None:
                stmt = stmt.limit(limit)
            return [row_to_dict(o) for o in session.execute(stmt).scalars()]

    def count(self, entity: str) -> int:
        cls = entity_class(entity)
        with self.replica.read() as session:
            return session.execute(select(func.count()).select_from(cls)).scalar_one()

    def search(self, text: str, *, entities: Optional[Iterable[str]] = None, limit: int = 20):
        with self.replica.read() as session:
            return fts.search(session.connection(), text, entities=set(entities) if entities else None, limit=limit)
