"""Column types shared by every entity.

Timestamps and dates are stored as ISO-8601 text on every database. That keeps
the stored form, the wire form and the replica form identical, so a first sync
can move rows without converting each value, and SQLite and PostgreSQL sort
them the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from decimal import Decimal
from typing import Annotated

from sqlalchemy import Boolean, Float, Integer, Numeric, String, Text
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


def uuid7_text(unix_ms: int, rand_a: int, rand_b: int) -> str:
    """A version 7 UUID (RFC 9562) in its usual text form.

    48 bits of Unix time in milliseconds, then 12 bits (``rand_a``) and 62
    bits (``rand_b``) that the caller fills: random, or a finer clock in
    ``rand_a`` so ids made within one millisecond still sort.
    """
    n = ((unix_ms & 0xFFFF_FFFF_FFFF) << 80) | (0x7 << 76) | ((rand_a & 0xFFF) << 64) \
        | (0b10 << 62) | (rand_b & ((1 << 62) - 1))
    h = "%032x" % n
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_id_lock = threading.Lock()
_last_stamp = 0  # unix ms << 12 | sub-millisecond part, of the last id made here


def new_id() -> str:
    """A fresh row id, made where the row is born (laptop or server).

    Time-ordered (UUIDv7): ids made later sort after ids made earlier, so new
    rows land at the end of every id index (replica and server) instead of at
    a random place in it, and a first sync, which receives rows in the order
    they were made, appends. The 12 bits after the millisecond carry the
    fraction of it, bumped when the clock stands still or steps back, so ids
    from one process keep increasing; the last 62 bits are random.

    Ids are opaque text: uuid4 ids made before stay valid, and nothing may
    read the time out of an id.
    """
    global _last_stamp
    ns = time.time_ns()
    stamp = ((ns // 1_000_000) << 12) | ((ns % 1_000_000) * 4096 // 1_000_000)
    with _id_lock:
        if stamp <= _last_stamp:
            stamp = _last_stamp + 1
        _last_stamp = stamp
    return uuid7_text(stamp >> 12, stamp & 0xFFF, int.from_bytes(os.urandom(8), "big"))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def format_timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


class Timestamp(TypeDecorator):
    """A UTC instant stored as `YYYY-MM-DDTHH:MM:SS.ffffffZ` text."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            return format_timestamp(parse_timestamp(value))
        return format_timestamp(value)

    def process_result_value(self, value, dialect):
        return None if value is None else parse_timestamp(value)


class Day(TypeDecorator):
    """A calendar date stored as `YYYY-MM-DD` text."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            return dt.date.fromisoformat(value).isoformat()
        if isinstance(value, dt.datetime):
            value = value.date()
        return value.isoformat()

    def process_result_value(self, value, dialect):
        return None if value is None else dt.date.fromisoformat(value)


# Shared Annotated column types (SQLAlchemy 2.0 style).
uuid_pk = Annotated[str, mapped_column(String(36), primary_key=True, default=new_id)]
str_id = Annotated[str, mapped_column(String(36))]
name_str = Annotated[str, mapped_column(String(200))]
short_str = Annotated[str, mapped_column(String(64))]
long_text = Annotated[str, mapped_column(Text)]
money = Annotated[Decimal, mapped_column(Numeric(14, 2))]
quantity = Annotated[Decimal, mapped_column(Numeric(14, 3))]
coordinate = Annotated[float, mapped_column(Float)]
flag = Annotated[bool, mapped_column(Boolean, default=False)]
count = Annotated[int, mapped_column(Integer)]
timestamp = Annotated[dt.datetime, mapped_column(Timestamp)]
day = Annotated[dt.date, mapped_column(Day)]
