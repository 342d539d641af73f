"""Declarative bases and the columns every synced entity carries."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Optional

from sqlalchemy import Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from fieldcrm.storage.types import Timestamp, new_id

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Columns the server alone sets; a laptop never sends them as changes.
SYSTEM_FIELDS = frozenset({"id", "version", "updated_at", "updated_by"})


class Base(DeclarativeBase):
    """Base of the synced entities: one definition for laptop and server."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Entity(Base):
    """A synced row: UUID id, server version, last change stamp.

    Class-level metadata that the services, the sync engine and the server
    read (never per-row state):
    - ``__entity__``: the name users and the CLI know the entity by.
    - ``__reference__``: owned by the server/ERP; read-only on laptops.
    - ``__server_owned__``: fields only the server or the ERP may set.
    - ``__parent__``: (column, entity) of the row this one belongs to; the row
      travels with that parent (an account's children go where it goes).
    - ``__windows__``: (start, end) field pairs where end must follow start.
    - ``__search__``: text fields indexed for full-text search.
    - ``__label__``: fields that make a human-readable title.
    """

    __abstract__ = True
    __entity__: ClassVar[str]
    __reference__: ClassVar[bool] = False
    __server_owned__: ClassVar[frozenset[str]] = frozenset()
    __parent__: ClassVar[Optional[tuple[str, str]]] = None
    __windows__: ClassVar[tuple[tuple[str, str], ...]] = ()
    __search__: ClassVar[tuple[str, ...]] = ()
    __label__: ClassVar[tuple[str, ...]] = ("id",)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    updated_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp, nullable=True)
    updated_by: Mapped[Optional[str]] = mapped_column(String(36), nullable=True)


def choices(*values: str) -> dict:
    """Column ``info`` for an enumerated text field."""
    return {"choices": tuple(values)}


# Column ``info`` for fields with a shape a person can be told about.
EMAIL = {"pattern": r"[^@\s]+@[^@\s]+\.[^@\s]+", "hint": "is not an email address (expected name@example.com)"}
WEB = {"pattern": r"(https?://)?[\w-]+(\.[\w-]+)+(/\S*)?", "hint": "is not a web address (expected www.example.com)"}
