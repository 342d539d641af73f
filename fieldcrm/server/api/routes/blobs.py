"""Attachment content: upload status, resumable upload and download by sha256.

See docs/sync-protocol.md, "Attachment content".
"""

from __future__ import annotations

import re
from typing import Annotated, Optional

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query
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


@router.get(
    "/{sha256}", response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
               401: {"model": ErrorBody}, 404: {"model": ErrorBody}},
)
def download(sha256: Sha256, token: Token, db: SessionDep) -> StreamingResponse:
    """The content, when it is complete and the caller may see it; otherwise 404, whichever the reason."""
    found = blobs.open_download(db, SignIn(token), sha256)
    if found is None:
        raise HTTPException(404, "no such file")
    return StreamingResponse(
        blobs.read_chunks(db, found), media_type="application/octet-stream",
        headers={"Content-Length": str(found.size), "ETag": f'"{sha256}"'},
    )
