"""Server tables of the ERP reconciliation, in the server's metadata.

- ``erp_job``: one row per piece of work for the ERP (send an order, create a
  customer), unique per (kind, row). Written in the same transaction as the
  change that asks for it; a worker claims it, calls the ERP and writes the
  answer back. ``attempts`` and ``ready_at`` carry the retry backoff.
- ``erp_link``: which CRM row an ERP reference belongs to, and whether the ERP
  still has it (archived or deleted there).
- ``erp_setting``: connection settings, policies, pull cursors and the last
  run's outcome, as text values by key.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldcrm.server.tables import ServerBase
from fieldcrm.storage.types import Timestamp

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
SUBMIT_ORDER, CREATE_CUSTOMER = "submit_order", "create_customer"


class ErpJob(ServerBase):
    __tablename__ = "erp_job"
    __table_args__ = (
        Index("ix_erp_job_kind_row", "kind", "row_id", unique=True),
        Index("ix_erp_job_state_ready", "state", "ready_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    row_id: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(12))  # queued, running, done, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    ready_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    worker: Mapped[Optional[str]] = mapped_column(String(120))
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)


class ErpLink(ServerBase):
    __tablename__ = "erp_link"

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)  # account, product
    erp_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    erp_active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)  # gone from the ERP


class ErpSetting(ServerBase):
    __tablename__ = "erp_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp)
