"""Attachment content: upload status, resumable upload and download by sha256.

See docs/sync-protocol.md, "Attachment content".
"""

from __future__ import annotations

import re
from typing import Annotated, Optional

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Path, Query
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel

from fieldcrm.server import blobs
from fieldcrm.server.api.deps import SessionDep, SignIn, Token
from fieldcrm.sync.wire import BLOB_CHUNK_BYTES, MAX_BLOB_BYTES, ErrorBody

router = APIRouter(prefix="/api/v1/blobs", tags=["blobs"])

_SHA256 = re.compile(blobs.SHA256_PATTERN)


class BlobStatus(BaseModel):
    sha256: str
    size: Optional[int]
    received: int
    complete: bool


class UploadConflict(BaseModel):
    detail: str
    received: int


async def blob_hash(
    sha256: Annotated[str, Path(description="the content's sha256: 64 lowercase hex characters",
                                json_schema_extra={"pattern": blobs.SHA256_PATTERN})],
) -> str:
    if not _SHA256.fullmatch(sha256):
        raise HTTPException(422, "sha256: must be 64 lowercase hexadecimal characters (0-9, a-f)")
    return sha256


Sha256 = Annotated[str, Depends(blob_hash)]


def _status(state: blobs.UploadState) -> BlobStatus:
    return BlobStatus(sha256=state.sha256, size=state.size, received=state.received, complete=state.complete)


@router.get("/{sha256}/status", response_model=BlobStatus, responses={401: {"model": ErrorBody}})
def upload_status(sha256: Sha256, token: Token, db: SessionDep) -> BlobStatus:
    """How much of this content the server holds (any signed-in user may ask; never the content)."""
    with db.check() as session:
        SignIn(token)(session)
        return _status(blobs.upload_state(session, sha256))


@router.put(
    "/{sha256}", response_model=BlobStatus,
    responses={401: {"model": ErrorBody}, 409: {"model": UploadConflict}, 413: {"model": ErrorBody},
               422: {"model": ErrorBody}},
)
def upload_chunk(
    sha256: Sha256, token: Token, db: SessionDep,
    offset: Annotated[int, Query(ge=0, description="where this chunk starts: the status's received")],
    size: Annotated[int, Query(ge=0, description=f"the whole file's size (at most {MAX_BLOB_BYTES})")],
    chunk: Annotated[bytes, Body(media_type="application/octet-stream",
                                 description=f"raw bytes, at most {BLOB_CHUNK_BYTES}")] = b"",
):
    try:
        state = blobs.receive_chunk(db, SignIn(token), sha256, offset, size, chunk)
    except blobs.UploadRefused as exc:
        if exc.received is not None:
            return JSONResponse({"detail": str(exc), "received": exc.received}, status_code=exc.status)
        raise HTTPException(exc.status, str(exc)) from None
    return _status(state)


_RANGE = re.compile(r"bytes=(\d+)-(\d*)")


def byte_range(header: Optional[str], size: int) -> Optional[tuple[int, int]]:
    """(first, last) byte of a ``Range: bytes=first-[last]`` header; None for
    no header or a form this server does not serve in part (several ranges, a
    suffix): those get the whole content, as HTTP allows. Raises 416 for a
    range that starts past the end."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None:
        return None
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else size - 1
    if first >= size:
        raise HTTPException(416, f"the file has {size} bytes; nothing starts at byte {first}",
                            headers={"Content-Range": f"bytes */{size}"})
    if last < first:
        return None
    return first, min(last, size - 1)


@router.get(
    "/{sha256}", response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
               206: {"description": "the part asked for with a Range header (to resume a download)",
                     "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
               401: {"model": ErrorBody}, 404: {"model": ErrorBody}, 416: {"model": ErrorBody}},
)
def download(sha256: Sha256, token: Token, db: SessionDep,
             range_: Annotated[Optional[str], Header(alias="Range")] = None) -> StreamingResponse:
    """The content, when it is complete and the caller may see it; otherwise 404, whichever the reason.

    ``Range: bytes=N-`` asks for the content from byte N on (a laptop resuming
    a download cut off): 206 with ``Content-Range``.
    """
    found = blobs.open_download(db, SignIn(token), sha256)
    if found is None:
        raise HTTPException(404, "no such file")
    headers = {"ETag": f'"{sha256}"', "Accept-Ranges": "bytes"}
    part = byte_range(range_, found.size)
    if part is None:
        return StreamingResponse(blobs.read_chunks(db, found), media_type="application/octet-stream",
                                 headers={**headers, "Content-Length": str(found.size)})
    first, last = part
    return StreamingResponse(
        blobs.read_chunks(db, found, first, last), status_code=206, media_type="application/octet-stream",
        headers={**headers, "Content-Length": str(last - first + 1),
                 "Content-Range": f"bytes {first}-{last}/{found.size}"},
    )
