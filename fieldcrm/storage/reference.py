"""Reference data owned by the server or the ERP: read-only on laptops."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldcrm.storage.base import EMAIL, Entity, choices

ROLES = ("rep", "technician", "manager", "admin")


class User(Entity):
    __tablename__ = "app_user"
    __entity__ = "user"
    __reference__ = True
    __search__ = ("display_name", "username", "email")
    __label__ = ("display_name",)

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), info=choices(*ROLES))
    manager_id: Mapped[Optional[str]] = mapped_column(String(36))
    email: Mapped[Optional[str]] = mapped_column(String(200), info=EMAIL)
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Territory(Entity):
    __tablename__ = "territory"
    __entity__ = "territory"
    __reference__ = True
    __search__ = ("code", "name")
    __label__ = ("name",)

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[Optional[str]] = mapped_column(String(36))
    manager_id: Mapped[Optional[str]] = mapped_column(String(36))


class TerritoryMember(Entity):
    __tablename__ = "territory_member"
    __entity__ = "territory_member"
    __reference__ = True
    __table_args__ = (UniqueConstraint("territory_id", "user_id"),)

    territory_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("territory.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED")
    )
    user_id: Mapped[str] = mapped_column(String(36))
    quota: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2), info={"min": 0})


class Product(Entity):
    __tablename__ = "product"
    __entity__ = "product"
    __reference__ = True
    __search__ = ("name", "sku")
    __label__ = ("name",)

    erp_ref: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    sku: Mapped[Optional[str]] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16), default="unit")
    list_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 2), info={"min": 0})
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
