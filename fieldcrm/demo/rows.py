"""Rows in their stored form, with ids and versions drawn from one seeded source."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from fieldcrm.storage.registry import ENTITY_CLASSES
from fieldcrm.storage.types import uuid7_text


def _template(cls) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for col in cls.__table__.columns:
        default = col.default
        row[col.name] = default.arg if default is not None and default.is_scalar else None
    return row


_TEMPLATES = {cls.__entity__: _template(cls) for cls in ENTITY_CLASSES}
# The demo's history: its rows were created one millisecond apart, in the
# order they are made, starting this long before ``now``.
HISTORY = dt.timedelta(days=365)


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
        self.made = 0
        self._origin_ms = int((now - HISTORY).timestamp() * 1000)

    def new_id(self) -> str:
        """A time-ordered (version 7) UUID, as the product makes them.

        The time part is the row's creation time in the demo's history (one
        millisecond after the row made before it), the rest is drawn from the
        seeded source, so ids increase in the order rows are made and the same
        seed gives the same ids. 128 bits are drawn, as for a random UUID, so
        the rest of the data set does not depend on how an id is laid out.
        """
        self.made += 1
        bits = self.rng.getrandbits(128)
        return uuid7_text(self._origin_ms + self.made, bits >> 116, bits)

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
