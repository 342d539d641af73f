"""Rows in their stored form, with ids and versions drawn from one seeded source."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from fieldcrm.storage.registry import ENTITY_CLASSES


def _template(cls) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for col in cls.__table__.columns:
        default = col.default
        row[col.name] = default.arg if default is not None and default.is_scalar else None
    return row


_TEMPLATES = {cls.__entity__: _template(cls) for cls in ENTITY_CLASSES}
# Version 4 and the RFC 4122 variant, as uuid.UUID(int=..., version=4) sets them.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (4 << 76) | (0x8000 << 48)


def stamp(value: dt.datetime) -> str:
    """A timestamp as stored: UTC ISO text (the form ``format_timestamp`` writes).

    Aware datetimes only; several times faster than ``strftime``, which
    matters at a few million timestamps.
    """
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def money(value) -> str:
    """An amount as stored: text with two decimals (exact, and binds on any driver)."""
    return f"{value:.2f}"


class RowMaker:
    """Makes complete rows: every column present, defaults filled, ids and versions set.

    Versions count up as a server's op sequence would, one per row, so the
    rows look like data that came through the server.
    """

    def __init__(self, rng: random.Random, now: dt.datetime):
        self.rng = rng
        self.now = now
        self.version = 0

    def new_id(self) -> str:
        """A random (version 4) UUID drawn from the seeded source."""
        n = (self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET
        h = "%032x" % n
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def make(self, entity: str, *, by: str | None, **values: Any) -> dict[str, Any]:
        row = _TEMPLATES[entity].copy()
        row.update(values)
        if row["id"] is None:
            row["id"] = self.new_id()
        self.version += 1
        row["version"] = self.version
        if row["updated_at"] is None:
            row["updated_at"] = stamp(self.now - dt.timedelta(minutes=self.rng.randint(5, 60 * 24 * 30)))
        row["updated_by"] = by
        return row
