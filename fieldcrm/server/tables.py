"""Tables only the server has, in their own metadata (the entities live in storage).

- ``credential``: a user's argon2 password hash.
- ``device_token``: one opaque token per signed-in device, stored as its
  sha256, expiring and revocable.
- ``login_attempt``: failed logins, per username and per client address, so
  every server process applies the same rate limit.
- ``bucket_counter``: one row per bucket holding its last op sequence; taken
  ``FOR UPDATE`` by each writer so a bucket's ops commit in sequence order.
- ``bucket_op``: the latest op (put/remove) per row per bucket.
- ``client_bucket``: the buckets a laptop has been served, so a bucket that
  leaves its scope can be dropped (and a forged cursor reveals nothing).
- ``applied_mutation``: every push mutation's result, for idempotent retries.
- ``conflict``: both sides of every clash, for the people involved.
- ``tombstone``: deleted rows (their last values), the server's soft delete.
- ``blob``, ``blob_chunk``, ``blob_uploader``: attachment content by sha256,
  uploaded in chunks (resumable) and kept in the database so every server
  process serves it; who sent it, so the sender may read it back.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import BigInteger, Boolean, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fieldcrm.storage.base import NAMING_CONVENTION
from fieldcrm.storage.types import Timestamp


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Credential(ServerBase):
    __tablename__ = "credential"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class DeviceToken(ServerBase):
    __tablename__ = "device_token"
    __table_args__ = (Index("ix_device_token_user_device", "user_id", "device_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(String(64))
    device_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)


class LoginAttempt(ServerBase):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(120))  # "user:<name>" or "addr:<ip>"
    at: Mapped[dt.datetime] = mapped_column(Timestamp)


class BucketCounter(ServerBase):
    __tablename__ = "bucket_counter"

    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Ops at or below this sequence may have been compacted away.
    horizon: Mapped[int] = mapped_column(BigInteger, default=0)


class BucketOp(ServerBase):
    __tablename__ = "bucket_op"
    __table_args__ = (Index("ix_bucket_op_bucket_seq", "bucket", "seq", unique=True),)

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    op: Mapped[str] = mapped_column(String(8))  # put, remove
    at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ClientBucket(ServerBase):
    __tablename__ = "client_bucket"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)


class AppliedMutation(ServerBase):
    __tablename__ = "applied_mutation"
    __table_args__ = (
        Index("ix_applied_mutation_client_seq", "client_id", "seq"),
        Index("ix_applied_mutation_row", "entity", "row_id"),
    )

    mutation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    client_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(36))
    # The row version this mutation produced (applied/merged), else null.
    version: Mapped[Optional[int]] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(Text)  # the MutationResult as JSON
    applied_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ConflictRecord(ServerBase):
    __tablename__ = "conflict"
    __table_args__ = (Index("ix_conflict_row", "entity", "row_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # field, delete, deleted
    mutation_id: Mapped[str] = mapped_column(String(36))
    laptop_user_id: Mapped[str] = mapped_column(String(36), index=True)
    server_user_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    fields: Mapped[str] = mapped_column(Text)  # {field: {base, mine, theirs}} as JSON
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)


class Tombstone(ServerBase):
    __tablename__ = "tombstone"

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    deleted_by: Mapped[Optional[str]] = mapped_column(String(36))
    row: Mapped[str] = mapped_column(Text)  # the last values as JSON
    buckets: Mapped[str] = mapped_column(Text)  # the buckets that held it, as JSON


class Blob(ServerBase):
    """One attachment's content: complete, or an upload under way (``received`` of ``size`` bytes)."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    completed_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)


class BlobChunk(ServerBase):
    """The bytes of a blob from ``offset`` on, as one upload request sent them."""

    __tablename__ = "blob_chunk"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BlobUploader(ServerBase):
    """A user who sent part of a blob's content."""

    __tablename__ = "blob_uploader"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
