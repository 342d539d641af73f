"""Column types shared by every entity.

Timestamps and dates are stored as ISO-8601 text on every database. That keeps
the stored form, the wire form and the replica form identical, so a first sync
can move rows without converting each value, and SQLite and PostgreSQL sort
them the same way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from sqlalchemy import Boolean, Float, Integer, Numeric, String, Text
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


def new_id() -> str:
    """A fresh row id, made where the row is born (laptop or server)."""
    return str(uuid.uuid4())


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
