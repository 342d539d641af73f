"""Files attached to a service job, an account or a visit.

``attach`` copies the file into the profile's content store (named by its
sha256) and creates the ``attachment`` row through the record service, so
the row goes through the outbox like any edit; the sync round uploads the
content before it pushes the row (``fieldcrm.sync.blobs``). Content that is
not on this laptop is fetched on demand with ``fetch_content``.
"""

from __future__ import annotations

import mimetypes
import os
import re
import shutil
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from fieldcrm.services.records import NotFound, RecordService
from fieldcrm.storage.blobs import BlobStore, ContentTooLarge
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.service import ATTACHABLE
from fieldcrm.storage.validation import ValidationError
from fieldcrm.sync.wire import MAX_BLOB_BYTES

if TYPE_CHECKING:
    from fieldcrm.sync.transport import Transport

# What an attachment can hang off, and the column that points at it.


# Beside the content store in the profile: copies under their own names, to open.
OPENED_FOLDER = "opened"
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def _safe_name(name: str) -> str:
    """A file name that stays in its folder on every desktop: no separators,
    no characters Windows refuses, never empty, "." or ".."."""
    last = re.split(r"[/\\]", name)[-1]
    cleaned = _UNSAFE.sub("_", last).strip(" .")
    return cleaned[:120] or "file"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def too_large_message(name: str, size: Optional[int] = None) -> str:
    limit = f"{MAX_BLOB_BYTES // (1024 * 1024)} MB"
    if size is None:
        return f"{name} is larger than {limit}, the most one attachment can be"
    return f"{name} is {_megabytes(size)}; one attachment can be at most {limit}"


class AttachmentService:
    """Attach files and find their content, over one replica and its profile folder."""

    def __init__(self, replica: Replica, profile_dir: Optional[Path] = None):
        self.replica = replica
        self.records = RecordService(replica)
        self.store = BlobStore(Path(profile_dir) if profile_dir is not None else replica.profile_dir)

    def attach(self, entity: str, row_id: str, file_path: Path, *, name: Optional[str] = None,
               mime: Optional[str] = None) -> dict[str, Any]:
        """Attach a copy of the file to a job, account or visit; the new attachment row."""
        column = ATTACHABLE.get(entity)
        if column is None:
            raise ValidationError({"": f"files can be attached to service_job, account or visit records, "
                                       f"not to {entity} records"}, "attachment")
        path = Path(file_path)
        if not path.is_file():
            raise ValidationError({"file": f"{path} is not a file that can be read"}, "attachment")
        size = path.stat().st_size
        if size > MAX_BLOB_BYTES:
            raise ValidationError({"file": too_large_message(path.name, size)}, "attachment")
        self.records.get(entity, row_id)  # NotFound before anything is copied
        try:
            sha, size = self.store.add_file(path, max_bytes=MAX_BLOB_BYTES)
        except ContentTooLarge:  # it grew while it was copied
            raise ValidationError({"file": too_large_message(path.name)}, "attachment") from None
        except OSError as exc:
            raise ValidationError({"file": f"{path} cannot be read: {exc.strerror or exc}"}, "attachment") from None
        name = name or path.name
        mime = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
        return self.records.create("attachment", {"sha256": sha, "name": name, "mime": mime, "size": size,
                                                  column: row_id})

    def sign_job(self, job_id: str, png: bytes, signer: str) -> dict[str, Any]:
        """Keep the customer's signature (a PNG drawn on this laptop) as an
        attachment of the job and mark it as the job's signature; the new
        attachment row. Works offline like any attach."""
        signer = " ".join(signer.split())
        errors = {}
        if not signer:
            errors["signer"] = "is required"
        if not png:
            errors["signature"] = "nothing was signed"
        if errors:
            raise ValidationError(errors, "attachment")
        self.records.get("service_job", job_id)  # NotFound before anything is stored
        sha, size = self.store.add_bytes(png)
        row = self.records.create("attachment", {
            "sha256": sha, "name": f"Signature {signer} {date.today().isoformat()}.png",
            "mime": "image/png", "size": size, "job_id": job_id,
        })
        self.records.update("service_job", job_id, {"signature_attachment_id": row["id"]})
        return row

    def list_for(self, entity: str, row_id: str) -> list[dict[str, Any]]:
        """The attachments of one job, account or visit, by name."""
        column = ATTACHABLE.get(entity)
        if column is None:
            return []
        return self.records.list("attachment", {column: row_id}, order_by="name")

    def content_path(self, attachment_id: str) -> Optional[Path]:
        """The attachment's file on this laptop, or None when it has not been fetched."""
        return self.store.path_of(self.records.get("attachment", attachment_id)["sha256"])

    def named_copy(self, attachment_id: str) -> Optional[Path]:
        """A copy of the attachment's file under its own name, for a desktop
        program to open (the content store names files by their sha256 only,
        and a viewer is chosen by the name's extension). None when the content
        is not on this laptop. The name comes from the row, so from the
        network: only its last part is used, never a path."""
        row = self.records.get("attachment", attachment_id)
        source = self.store.path_of(row["sha256"])
        if source is None:
            return None
        name = _safe_name(row.get("name") or "")
        target = self.store.root.parent / OPENED_FOLDER / row["sha256"][:16] / name
        if not (target.is_file() and target.stat().st_size == source.stat().st_size):
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{name}.part")
            shutil.copyfile(source, temp)
            os.replace(temp, target)
        return target

    def fetch_content(self, attachment_id: str, transport: "Transport") -> Path:
        """The attachment's file, downloaded from the server first when it is not here.

        Raises ``SyncError`` when the server cannot be reached or does not give it.
        """
        row = self.records.get("attachment", attachment_id)
        from fieldcrm.sync.blobs import download_content  # the network code, loaded when first used

        return download_content(transport, self.store, row["sha256"])


__all__ = ["ATTACHABLE", "AttachmentService", "NotFound", "too_large_message"]
