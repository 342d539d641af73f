"""The laptop's attachment content: files named by their sha256.

``<profile>/blobs/<sha[:2]>/<sha256>`` holds one attachment's bytes. A file
is written under a temporary name and renamed when it is complete, so a file
under its final name is always whole and always has the hash it is named by.
A file added from disk goes through ``incoming.*.part``; content received goes
into ``<sha256>.download`` beside the final name, where a download cut off
keeps what has arrived and goes on from there next time (``resume_verified``).
A crash leaves at most such a file behind, which the next write of the same
content replaces.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import BinaryIO, Iterable, Optional

BLOBS_FOLDER = "blobs"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COPY_BYTES = 1024 * 1024


class ContentMismatch(ValueError):
    """The bytes received do not have the sha256 they were asked for."""


class ContentTooLarge(ValueError):
    """A file is larger than an attachment may be."""


def is_sha256(text: object) -> bool:
    return isinstance(text, str) and bool(_SHA256.match(text))


class BlobStore:
    """Content-addressed files in one profile folder."""

    def __init__(self, profile_dir: Path):
        self.root = Path(profile_dir) / BLOBS_FOLDER

    def _final(self, sha: str) -> Path:
        if not is_sha256(sha):
            raise ValueError(f"not a sha256: {sha!r}")
        return self.root / sha[:2] / sha

    def path_of(self, sha: str) -> Optional[Path]:
        """The file holding this content, or None when it is not on this laptop."""
        if not is_sha256(sha):
            return None
        path = self._final(sha)
        return path if path.is_file() else None

    def has(self, sha: str) -> bool:
        return self.path_of(sha) is not None

    def add_file(self, path: Path, *, max_bytes: Optional[int] = None) -> tuple[str, int]:
        """Copy a file in: (sha256, size). Nothing is kept when it is over ``max_bytes``."""
        with open(path, "rb") as source:
            return self._add_stream(source, max_bytes)

    def add_bytes(self, data: bytes) -> tuple[str, int]:
        sha = hashlib.sha256(data).hexdigest()
        if not self.has(sha):
            self.write_verified(sha, [data])
        return sha, len(data)

    def write_verified(self, sha: str, chunks: Iterable[bytes]) -> Path:
        """Write content expected to hash to ``sha``; a mismatch keeps nothing and raises."""
        return self.resume_verified(sha, 0, chunks)

    def partial_size(self, sha: str) -> int:
        """How many bytes of a download cut off earlier are kept (0: none)."""
        partial = self._partial(sha)
        return partial.stat().st_size if partial.is_file() else 0

    def drop_partial(self, sha: str) -> None:
        self._partial(sha).unlink(missing_ok=True)

    def resume_verified(self, sha: str, offset: int, chunks: Iterable[bytes], *,
                        max_bytes: Optional[int] = None) -> Path:
        """Write downloaded content that starts at byte ``offset`` after the
        bytes kept from earlier (0: from the start, dropping those); the final
        file once it hashes to ``sha``.

        Bytes that arrive are kept if the stream breaks off (its exception
        propagates), for the next call to go on from ``partial_size``. A
        mismatch, or more than ``max_bytes`` in all, keeps nothing and raises
        ``ContentMismatch``.
        """
        final = self._final(sha)
        partial = self._partial(sha)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with open(partial, "a+b") as out:
                if offset > out.seek(0, os.SEEK_END):
                    raise ContentMismatch(f"the download goes on from byte {offset}, but only "
                                          f"{out.tell()} bytes were kept")
                out.truncate(offset)
                out.seek(0)
                while offset and (kept := out.read(min(_COPY_BYTES, offset - out.tell()))):
                    digest.update(kept)
                out.seek(offset)
                size = offset
                try:
                    for chunk in chunks:
                        size += len(chunk)
                        if max_bytes is not None and size > max_bytes:
                            raise ContentMismatch(f"the file received is larger than {max_bytes} bytes")
                        digest.update(chunk)
                        out.write(chunk)
                finally:
                    out.flush()
                    os.fsync(out.fileno())
            if digest.hexdigest() != sha:
                raise ContentMismatch("the file received does not match its sha256")
            os.replace(partial, final)
        except ContentMismatch:
            partial.unlink(missing_ok=True)
            raise
        finally:
            close = getattr(chunks, "close", None)  # a network response
            if close is not None:
                close()
        return final

    # -- the machinery ------------------------------------------------------
    def _partial(self, sha: str) -> Path:
        final = self._final(sha)
        return final.with_name(final.name + ".download")

    def _add_stream(self, source: BinaryIO, max_bytes: Optional[int]) -> tuple[str, int]:
        self.root.mkdir(parents=True, exist_ok=True)
        temp = self.root / f"incoming.{uuid.uuid4().hex[:8]}.part"
        digest = hashlib.sha256()
        size = 0
        try:
            with open(temp, "wb") as out:
                while chunk := source.read(_COPY_BYTES):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise ContentTooLarge(f"the file is larger than {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self._final(sha)
            if not final.is_file():
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temp, final)
        finally:
            temp.unlink(missing_ok=True)
        return sha, size
