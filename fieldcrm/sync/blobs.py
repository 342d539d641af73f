"""Attachment content between the laptop's store and the server.

An attachment row syncs like any row; its bytes travel apart, by sha256
(docs/sync-engine.md, "Attachment content"):

- **upload**, before the push of a batch that creates or changes an
  attachment: ask the server how much of the content it holds, then send the
  rest in pieces from there. A connection lost in the middle stops the round
  before the batch goes; the next round resumes at the server's ``received``.
- **download** of a row's content, checked against its sha256 before it is
  kept (a download cut off goes on from the bytes kept, by a range request):
  eagerly after the pull for the attachments of the user's own service
  jobs (a failure is logged and retried next round, never failing the round),
  on demand for any other (``AttachmentService.fetch_content``).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Optional

from fieldcrm.storage.blobs import BlobStore, ContentMismatch
from fieldcrm.sync.apply import ReplicaWriter
from fieldcrm.sync.transport import Cancelled, RequestRejected, SyncError, Transport
from fieldcrm.sync.wire import BLOB_CHUNK_BYTES, MAX_BLOB_BYTES

log = logging.getLogger(__name__)

CONTENT_OPS = ("create", "update")


class UploadRefused(SyncError):
    """The server will not take this content (too large, or not what its hash says)."""


def upload_content(transport: Transport, store: BlobStore, sha: str, *,
                   chunk_bytes: int = BLOB_CHUNK_BYTES) -> bool:
    """Make sure the server holds this content; False when it is not on this laptop.

    Resumes from what the server already received, and follows the server
    when it answers that it stands elsewhere (409 with its ``received``).
    """
    path = store.path_of(sha)
    if path is None:
        return False
    size = path.stat().st_size
    status = transport.blob_status(sha)
    offset = int(status.get("received") or 0)
    if status.get("complete"):
        return True
    # Each piece moves forward or is answered with where the server stands;
    # the bound only stops a server that keeps moving the offset back.
    for _ in range(4 * (size // chunk_bytes + 2)):
        if offset >= size and size > 0:
            break
        with open(path, "rb") as source:
            source.seek(offset)
            chunk = source.read(chunk_bytes)
        try:
            status = transport.put_blob_chunk(sha, offset, size, chunk)
        except RequestRejected as exc:
            if exc.status == 409 and isinstance(exc.body.get("received"), int):
                offset = exc.body["received"]
                continue
            raise UploadRefused(f"the server did not take the file {sha[:12]}…: {exc.detail}") from exc
        if status.get("complete"):
            return True
        offset = int(status.get("received") or 0)
    raise UploadRefused(f"the upload of the file {sha[:12]}… did not finish")


def download_content(transport: Transport, store: BlobStore, sha: str):
    """Fetch the content into the store (verified against ``sha``); its path.

    A download cut off earlier goes on from the bytes kept (an HTTP range
    request); a server that sends the whole file instead is taken from the
    start, and one that no longer has that many bytes (416) is asked again
    for all of it.
    """
    existing = store.path_of(sha)
    if existing is not None:
        return existing
    kept = store.partial_size(sha)
    try:
        offset, body = transport.open_blob(sha, kept)
    except RequestRejected as exc:
        if exc.status != 416 or not kept:
            raise
        store.drop_partial(sha)
        offset, body = transport.open_blob(sha, 0)
    if kept:
        log.info("download of %s… goes on from byte %d of %d kept", sha[:12], offset, kept)
    try:
        return store.resume_verified(sha, offset, body, max_bytes=MAX_BLOB_BYTES)
    except ContentMismatch as exc:
        raise SyncError(f"the file {sha[:12]}… arrived damaged; it is fetched again next time") from exc


class ContentSync:
    """The engine's hooks for attachment content, reading rows through its replica writer."""

    def __init__(self, transport: Transport, store: BlobStore, writer: ReplicaWriter,
                 cancelled: Callable[[], bool] = lambda: False):
        self.transport, self.store, self.writer = transport, store, writer
        self._cancelled = cancelled

    # -- before a push ----------------------------------------------------------
    def upload_for(self, batch: Iterable[dict[str, Any]]) -> int:
        """Upload the content of the batch's attachment creates and updates: how many files.

        A lost connection (or a sign-in problem) raises and stops the round
        before the batch is sent; content the server refuses is logged and the
        batch goes anyway, for the server to answer the row with its reason.
        """
        sent = 0
        for sha in self._shas_of(batch):
            try:
                if upload_content(self.transport, self.store, sha):
                    sent += 1
            except (UploadRefused, RequestRejected) as exc:
                log.warning("attachment content not sent: %s", exc)
        return sent

    def _shas_of(self, batch: Iterable[dict[str, Any]]) -> list[str]:
        shas: list[str] = []
        for mutation in batch:
            if mutation["entity"] != "attachment" or mutation["op"] not in CONTENT_OPS:
                continue
            sha = mutation["changes"].get("sha256") or self._sha_of_row(mutation["row_id"])
            if sha and sha not in shas:
                shas.append(sha)
        return shas

    def _sha_of_row(self, attachment_id: str) -> Optional[str]:
        row = self.writer.conn.execute("SELECT sha256 FROM attachment WHERE id = ?", (attachment_id,)).fetchone()
        return row[0] if row else None

    # -- after the pull -----------------------------------------------------------
    def fetch_own_jobs(self, user_id: Optional[str]) -> tuple[int, int]:
        """Download the missing content of the user's own service jobs' attachments.

        (fetched, failed). Never raises for a sync problem: what failed is
        logged and fetched again next round.
        """
        if not user_id:
            return 0, 0
        shas = [sha for (sha,) in self.writer.conn.execute(
            "SELECT DISTINCT a.sha256 FROM attachment a JOIN service_job j ON j.id = a.job_id "
            "WHERE j.technician_id = ? AND a.version > 0 ORDER BY a.sha256", (user_id,))]
        fetched = failed = 0
        for sha in shas:
            if self.store.has(sha):
                continue
            if self._cancelled():
                break
            try:
                download_content(self.transport, self.store, sha)
                fetched += 1
            except Cancelled:
                break
            except (SyncError, OSError) as exc:
                failed += 1
                log.warning("attachment content %s not fetched, tried again next round: %s", sha[:12], exc)
        return fetched, failed
