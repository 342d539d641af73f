"""The sync center's use cases: changes the server did not take, and what to do.

A change comes back parked in two ways: a **conflict** (the same field, or
the row itself, changed on the server too; the server kept its value and
recorded the clash) or a **rejection** (validation or permission; the
server's message says what to fix). The replica shows the server's values
meanwhile; the person's values wait in the parked entry and the conflict
record. Their choices:

- ``keep_mine``: send my values again, as a new edit over the server's ones.
- ``take_theirs`` / ``discard``: drop my change; the server's values stay.
- ``retry``: fix some values and send the change again.

Every choice that sends something writes a new outbox entry in the same
transaction as the row (like any edit), so it syncs in order and survives a
crash. Nothing parked ever blocks other changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

import orjson
from sqlalchemy import select

from fieldcrm.storage.base import SYSTEM_FIELDS
from fieldcrm.storage.local import ConflictRecord, OutboxEntry
from fieldcrm.storage.registry import entity_class, fields_of, row_to_dict
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.types import new_id, utcnow
from fieldcrm.storage.validation import ValidationError, coerce


class ParkedChangeNotFound(LookupError):
    def __init__(self, change_id: str):
        super().__init__(f"no open conflict or rejected change with id {change_id}")
        self.change_id = change_id


@dataclass(frozen=True)
class ParkedChange:
    """One change the server did not take, as the sync center shows it."""

    id: str  # the conflict id (conflicts) or the mutation id (rejections)
    kind: str  # "conflict" or "rejected"
    conflict_kind: Optional[str]  # field, deleted (server deleted it), delete (I deleted it)
    entity: str
    row_id: str
    op: str  # create, update, delete: what my change was
    message: str
    fields: dict[str, dict[str, Any]]  # name → {"base", "mine", "theirs"}
    created_at: Optional[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _loads(text: Optional[str]) -> dict:
    return orjson.loads(text) if text else {}


class ConflictService:
    """List and settle parked changes of one replica."""

    def __init__(self, replica: Replica):
        self.replica = replica

    # -- reading ---------------------------------------------------------------
    def list_open(self) -> list[ParkedChange]:
        with self.replica.read() as s:
            entries = s.execute(select(OutboxEntry).where(OutboxEntry.state == "parked")
                                .order_by(OutboxEntry.seq)).scalars().all()
            conflicts = {c.mutation_id: c for c in s.execute(
                select(ConflictRecord).where(ConflictRecord.resolved_at.is_(None))).scalars()}
            return [self._describe(e, conflicts.get(e.mutation_id)) for e in entries]

    def get(self, change_id: str) -> ParkedChange:
        for change in self.list_open():
            if change.id == change_id:
                return change
        raise ParkedChangeNotFound(change_id)

    @staticmethod
    def _describe(entry: OutboxEntry, conflict: Optional[ConflictRecord]) -> ParkedChange:
        if conflict is not None:
            fields = _loads(conflict.fields)
        else:
            base, changes = _loads(entry.base), _loads(entry.changes)
            fields = {name: {"base": base.get(name), "mine": value, "theirs": base.get(name)}
                      for name, value in changes.items()}
        return ParkedChange(
            id=conflict.id if conflict is not None else entry.mutation_id,
            kind="conflict" if conflict is not None else "rejected",
            conflict_kind=conflict.kind if conflict is not None else None,
            entity=entry.entity, row_id=entry.row_id, op=entry.op,
            message=(conflict.message if conflict is not None else entry.message) or "",
            fields=fields,
            created_at=(conflict.created_at if conflict is not None else entry.created_at).isoformat()
            if (conflict or entry).created_at else None,
        )

    # -- settling ----------------------------------------------------------------
    def resolve(self, change_id: str, keep: str) -> None:
        """``keep`` is "mine" or "theirs" (the CLI's ``--keep``)."""
        if keep == "mine":
            self.keep_mine(change_id)
        elif keep == "theirs":
            self.take_theirs(change_id)
        else:
            raise ValueError(f"keep must be 'mine' or 'theirs', got {keep!r}")

    def keep_mine(self, change_id: str) -> None:
        """Send my values again over the server's (a new edit, through the outbox)."""
        change = self.get(change_id)
        if change.kind == "rejected":
            self.retry(change_id)
            return
        with self.replica.edit() as session:
            cls = entity_class(change.entity)
            entry = session.execute(select(OutboxEntry).where(
                OutboxEntry.mutation_id == self._mutation_id(session, change))).scalar_one()
            # Every value of my change, not only the clashing ones.
            mine = {**_loads(entry.changes), **{name: v["mine"] for name, v in change.fields.items()}}
            obj = session.get(cls, change.row_id)
            if change.conflict_kind == "delete":
                if obj is not None:
                    session.delete(obj)
            elif obj is None:  # the server deleted it: restore it from my values
                self._restore(session, cls, change.row_id, mine)
            else:
                for name, value in self._values(cls, mine).items():
                    setattr(obj, name, value)
            session.flush()
            self._settle(session, change, "mine")

    def take_theirs(self, change_id: str) -> None:
        """Drop my change; the row keeps the server's values (already shown)."""
        with self.replica.edit() as session:
            self._settle(session, self.get(change_id), "theirs")

    def discard(self, change_id: str) -> None:
        """Throw my change away. A rejected new record disappears from this laptop."""
        change = self.get(change_id)
        if change.kind == "rejected" and change.op == "create":
            with self.replica.sync_write() as session:
                obj = session.get(entity_class(change.entity), change.row_id)
                if obj is not None:
                    session.delete(obj)
        with self.replica.edit() as session:
            self._settle(session, change, "discarded")

    def retry(self, change_id: str, values: Optional[Mapping[str, Any]] = None) -> None:
        """Send the change again, with ``values`` (field → new value) fixed first."""
        change = self.get(change_id)
        cls = entity_class(change.entity)
        with self.replica.edit() as session:
            entry = session.execute(select(OutboxEntry).where(
                OutboxEntry.mutation_id == self._mutation_id(session, change))).scalar_one()
            obj = session.get(cls, change.row_id)
            mine = {**_loads(entry.changes), **dict(values or {})}
            if change.op == "delete":
                if obj is not None:
                    session.delete(obj)
            elif change.op == "create" and obj is not None:
                row = {k: v for k, v in row_to_dict(obj).items()
                       if k not in SYSTEM_FIELDS and not fields_of(cls)[k].server_owned}
                session.add(OutboxEntry(mutation_id=new_id(), entity=change.entity, row_id=change.row_id,
                                        op="create", changes=orjson.dumps(row).decode(), base="{}",
                                        base_version=0, created_at=utcnow()))
                session.flush()  # the new entry is the row's newest: later edits squash into it
                for name, value in self._values(cls, dict(values or {})).items():
                    setattr(obj, name, value)
            elif obj is None:  # removed meanwhile: its last values were kept under the entry's base
                self._restore(session, cls, change.row_id, {**_loads(entry.base), **mine})
            else:
                for name, value in self._values(cls, mine).items():
                    setattr(obj, name, value)
            session.flush()
            self._settle(session, change, "retried")

    # -- helpers -------------------------------------------------------------------
    @staticmethod
    def _values(cls, plain: Mapping[str, Any]) -> dict[str, Any]:
        fields = fields_of(cls)
        return {name: coerce(fields[name], value) for name, value in plain.items()
                if name in fields and name not in SYSTEM_FIELDS and not fields[name].server_owned}

    @staticmethod
    def _restore(session, cls, row_id: str, plain: Mapping[str, Any]) -> None:
        """Bring back a row the server no longer has, from the values kept here."""
        values = ConflictService._values(cls, plain)
        missing = {name: "is required" for name, field in fields_of(cls).items()
                   if field.required and not field.system and not field.server_owned
                   and values.get(name) is None}
        if missing:
            raise ValidationError(missing, cls.__entity__)
        session.add(cls(id=row_id, **values))

    @staticmethod
    def _mutation_id(session, change: ParkedChange) -> str:
        if change.kind == "rejected":
            return change.id
        return session.get(ConflictRecord, change.id).mutation_id

    def _settle(self, session, change: ParkedChange, resolution: str) -> None:
        mutation_id = self._mutation_id(session, change)
        entry = session.execute(select(OutboxEntry).where(OutboxEntry.mutation_id == mutation_id)).scalar_one_or_none()
        if entry is not None:
            session.delete(entry)
        if change.kind == "conflict":
            record = session.get(ConflictRecord, change.id)
            record.resolved_at, record.resolution = utcnow(), resolution
