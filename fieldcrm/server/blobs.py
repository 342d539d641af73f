"""Attachment content: resumable uploads by sha256, kept in the database.

A laptop uploads a file's content before it pushes the attachment row that
names it. The content is addressed by its sha256 and goes up in chunks of at
most ``BLOB_CHUNK_BYTES``, each at the offset the server has reached, so an
upload cut off halfway goes on from there. The chunks live in the database
(``blob``, ``blob_chunk``), not on a process's disk, so every server process
on one database continues and serves the same uploads. When the last byte
arrives the whole content is checked against its sha256; a mismatch discards
the upload.

Who may download: an administrator, a user who sent part of the content, and
anyone whose scope holds an attachment row with that sha256 (the rule pull
uses for the row).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Iterator, Optional

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from fieldcrm.server.db import Database
from fieldcrm.server.oplog import PUT
from fieldcrm.server.scope import Caller, CallerOf
from fieldcrm.server.tables import Blob, BlobChunk, BlobUploader, BucketOp
from fieldcrm.storage.service import Attachment
from fieldcrm.storage.types import utcnow
from fieldcrm.sync.wire import BLOB_CHUNK_BYTES, MAX_BLOB_BYTES

SHA256_PATTERN = "^[0-9a-f]{64}$"
_SHA256 = re.compile(SHA256_PATTERN)
NOT_UPLOADED = "the attachment's file has not reached the server; sync again to send it"
MISMATCH = "the uploaded content does not match its sha256"


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


@dataclass(frozen=True)
class UploadState:
    """Where an upload stands: ``received`` bytes of ``size`` (None before the first chunk)."""

    sha256: str
    size: Optional[int]
    received: int
    complete: bool

    @classmethod
    def of(cls, sha256: str, blob: Optional[Blob]) -> "UploadState":
        if blob is None:
            return cls(sha256, None, 0, False)
        return cls(sha256, blob.size, blob.received, blob.complete)


class UploadRefused(Exception):
    """A chunk the server does not take; ``status`` is the HTTP answer.

    ``received`` is set when the client should resume from there (409).
    """

    def __init__(self, status: int, message: str, received: Optional[int] = None):
        super().__init__(message)
        self.status, self.received = status, received


def upload_state(session: Session, sha256: str) -> UploadState:
    return UploadState.of(sha256, session.get(Blob, sha256))


def is_complete(session: Session, sha256: str) -> bool:
    return bool(session.execute(
        select(exists().where(Blob.sha256 == sha256, Blob.complete.is_(True)))
    ).scalar())


def check_upload_size(size: int, chunk_bytes: int) -> None:
    """The limits a chunk is held to before the database is asked anything."""
    if size > MAX_BLOB_BYTES:
        raise UploadRefused(413, f"the file is too large (limit {MAX_BLOB_BYTES} bytes)")
    if chunk_bytes > BLOB_CHUNK_BYTES:
        raise UploadRefused(413, f"the chunk is too large (limit {BLOB_CHUNK_BYTES} bytes per request)")


def _retryable(exc: DBAPIError) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, IntegrityError) or code in ("40001", "40P01") or "database is locked" in str(exc)


def receive_chunk(db: Database, caller_of: CallerOf, sha256: str, offset: int, size: int,
                  chunk: bytes) -> UploadState:
    """Store one chunk of an upload and return where the upload stands.

    Raises ``UploadRefused``: 413 over the limits, 409 at the wrong offset or
    with another size than the upload began with (with ``received``), 422 when
    the chunk runs past the size or the finished content does not match its
    sha256 (then the upload is discarded, and that is committed first).
    """
    check_upload_size(size, len(chunk))
    for attempt in range(5):
        try:
            with db.write() as session:
                state, mismatch = _receive(session, caller_of(session), sha256, offset, size, chunk)
            if mismatch:
                raise UploadRefused(422, MISMATCH)
            return state
        except DBAPIError as exc:
            # Two processes began the same upload at once (one insert lost), or
            # the database asked for a retry: take the turn again.
            if not _retryable(exc) or attempt == 4:
                raise
    raise AssertionError("unreachable")


def _receive(session: Session, caller: Caller, sha256: str, offset: int, size: int,
             chunk: bytes) -> tuple[UploadState, bool]:
    blob = session.get(Blob, sha256, with_for_update=True)
    if blob is not None and blob.complete:
        return UploadState.of(sha256, blob), False  # already here: nothing to write
    received = blob.received if blob is not None else 0
    if blob is not None and size != blob.size:
        raise UploadRefused(409, f"this upload began with size {blob.size}, not {size}", received)
    if offset != received:
        raise UploadRefused(409, f"the server has {received} bytes of this file: go on from there", received)
    if offset + len(chunk) > size:
        raise UploadRefused(422, f"the chunk runs past the file's size ({size} bytes)")
    if blob is None:
        blob = Blob(sha256=sha256, size=size, received=0, complete=False, started_at=utcnow())
        session.add(blob)
        session.flush()  # a concurrent first chunk makes this fail; the caller retries
    if chunk:
        session.add(BlobChunk(sha256=sha256, offset=offset, data=chunk))
        blob.received = offset + len(chunk)
    # The sender may read the content back; an empty chunk sends nothing (but the empty file).
    if (chunk or size == 0) and session.get(BlobUploader, (sha256, caller.id)) is None:
        session.add(BlobUploader(sha256=sha256, user_id=caller.id))
    if blob.received < size:
        return UploadState.of(sha256, blob), False
    session.flush()
    if _digest(session, sha256) != sha256:
        for table in (BlobChunk, BlobUploader, Blob):
            session.execute(delete(table).where(table.sha256 == sha256))
        return UploadState.of(sha256, None), True
    blob.complete, blob.completed_at = True, utcnow()
    return UploadState.of(sha256, blob), False


def drop_unfinished(session: Session, started_before: dt.datetime) -> int:
    """Drop uploads begun before ``started_before`` and never finished.

    A laptop that comes back later to one of them is told the server has 0
    bytes (409 on its next chunk, or the status) and sends the file again
    from its own copy: nothing is lost, only the space is freed.
    """
    stale = session.execute(
        select(Blob.sha256).where(Blob.complete.is_(False), Blob.started_at < started_before)
        .with_for_update()
    ).scalars().all()
    for table in (BlobChunk, BlobUploader, Blob):
        session.execute(delete(table).where(table.sha256.in_(stale)))
    return len(stale)


def _digest(session: Session, sha256: str) -> str:
    digest = hashlib.sha256()
    rows = session.execute(
        select(BlobChunk.data).where(BlobChunk.sha256 == sha256).order_by(BlobChunk.offset)
        .execution_options(yield_per=4)
    ).scalars()
    for data in rows:
        digest.update(data)
    return digest.hexdigest()


def may_read(session: Session, caller: Caller, sha256: str) -> bool:
    """Whether the caller may download this content (whether or not it is complete)."""
    if caller.is_admin:
        return True
    if session.get(BlobUploader, (sha256, caller.id)) is not None:
        return True
    if not caller.subscriptions:
        return False
    return bool(session.execute(
        select(exists().where(
            Attachment.sha256 == sha256,
            BucketOp.entity == "attachment", BucketOp.row_id == Attachment.id,
            BucketOp.op == PUT, BucketOp.bucket.in_(sorted(caller.subscriptions)),
        ))
    ).scalar())


@dataclass(frozen=True)
class Download:
    sha256: str
    size: int
    offsets: tuple[int, ...]


def open_download(db: Database, caller_of: CallerOf, sha256: str) -> Optional[Download]:
    """The complete content the caller may read, else None (missing and forbidden alike)."""
    with db.read() as session:
        caller = caller_of(session)
        blob = session.get(Blob, sha256)
        if blob is None or not blob.complete or not may_read(session, caller, sha256):
            return None
        offsets = session.execute(
            select(BlobChunk.offset).where(BlobChunk.sha256 == sha256).order_by(BlobChunk.offset)
        ).scalars().all()
        return Download(sha256, blob.size, tuple(offsets))


def read_chunks(db: Database, download: Download, start: int = 0, end: Optional[int] = None) -> Iterator[bytes]:
    """The content from byte ``start`` to ``end`` (inclusive; the last byte
    when None), chunk by chunk, one short read each (complete content never
    changes)."""
    last = download.size - 1 if end is None else min(end, download.size - 1)
    bounds = download.offsets[1:] + (download.size,)
    for offset, following in zip(download.offsets, bounds):
        if following <= start or offset > last:
            continue
        with db.check() as session:
            data = session.execute(
                select(BlobChunk.data).where(BlobChunk.sha256 == download.sha256, BlobChunk.offset == offset)
            ).scalar_one()
        yield data[max(0, start - offset):last + 1 - offset]
