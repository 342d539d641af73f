"""Tables that live only in a laptop's replica: outbox, sync state, conflicts."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fieldcrm.storage.base import NAMING_CONVENTION
from fieldcrm.storage.types import Timestamp, utcnow

OUTBOX_STATES = ("pending", "parked")


class LocalBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OutboxEntry(LocalBase):
    """One local change waiting for the server.

    ``changes`` holds the new values of the changed fields, ``base`` the values
    those fields had before this change was made (the state the server is
    expected to have once the earlier entries are applied), ``base_version``
    the row's synced version. ``sent_count`` > 0 means the entry may already be
    on the server: it is then frozen (never squashed), so a retry is identical.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_row", "entity", "row_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(8))  # create, update, delete
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    base: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    state: Mapped[str] = mapped_column(String(8), default="pending")
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[Optional[str]] = mapped_column(String(16))
    message: Mapped[Optional[str]] = mapped_column(Text)


class SyncState(LocalBase):
    """Small key/value facts of this replica: client id, user, last sync."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Optional[str]] = mapped_column(Text)


class BucketCursor(LocalBase):
    __tablename__ = "bucket_cursor"

    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)
    cursor: Mapped[int] = mapped_column(Integer, default=0)


class ConflictRecord(LocalBase):
    """A clash the server reported: base, mine and theirs per field, until settled."""

    __tablename__ = "conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mutation_id: Mapped[Optional[str]] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16), default="field")  # field, deleted, delete
    fields: Mapped[str] = mapped_column(Text, default="{}")  # JSON field → {base, mine, theirs}
    message: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utcnow)
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    resolution: Mapped[Optional[str]] = mapped_column(String(16))
