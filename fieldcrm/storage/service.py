"""The service side: jobs a technician works, with checklists, parts, time and files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldcrm.storage.base import Entity, choices
from fieldcrm.storage.types import Timestamp

JOB_KINDS = ("installation", "repair", "maintenance", "inspection")
JOB_PRIORITIES = ("low", "normal", "high", "urgent")
JOB_STATUSES = ("new", "scheduled", "en_route", "in_progress", "on_hold", "completed", "cancelled")
TIME_KINDS = ("work", "travel")


def _part_of_job() -> ForeignKey:
    return ForeignKey("service_job.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED")


class ServiceJob(Entity):
    __tablename__ = "service_job"
    __entity__ = "service_job"
    __parent__ = ("account_id", "account")
    __windows__ = (("window_start", "window_end"), ("scheduled_start", "scheduled_end"))
    __search__ = ("title", "problem", "resolution")
    __label__ = ("title",)

    account_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("account.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        index=True,
    )
    contact_id: Mapped[Optional[str]] = mapped_column(String(36))
    technician_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="repair", info=choices(*JOB_KINDS))
    priority: Mapped[str] = mapped_column(String(8), default="normal", info=choices(*JOB_PRIORITIES))
    status: Mapped[str] = mapped_column(String(16), default="new", info=choices(*JOB_STATUSES))
    window_start: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    window_end: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    scheduled_start: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp, index=True)
    scheduled_end: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    problem: Mapped[Optional[str]] = mapped_column(Text)
    resolution: Mapped[Optional[str]] = mapped_column(Text)
    completed_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    signed_by: Mapped[Optional[str]] = mapped_column(String(200))
    signature_attachment_id: Mapped[Optional[str]] = mapped_column(String(36))


class JobChecklistItem(Entity):
    __tablename__ = "job_checklist_item"
    __entity__ = "job_checklist_item"
    __parent__ = ("job_id", "service_job")
    __label__ = ("label",)

    job_id: Mapped[str] = mapped_column(String(36), _part_of_job(), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, info={"min": 0})
    label: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[Optional[str]] = mapped_column(Text)


class JobPart(Entity):
    __tablename__ = "job_part"
    __entity__ = "job_part"
    __parent__ = ("job_id", "service_job")

    job_id: Mapped[str] = mapped_column(String(36), _part_of_job(), index=True)
    product_id: Mapped[str] = mapped_column(String(36))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=Decimal(1), info={"min": 0})
    note: Mapped[Optional[str]] = mapped_column(Text)


class JobTimeEntry(Entity):
    __tablename__ = "job_time_entry"
    __entity__ = "job_time_entry"
    __parent__ = ("job_id", "service_job")
    __windows__ = (("started_at", "ended_at"),)

    job_id: Mapped[str] = mapped_column(String(36), _part_of_job(), index=True)
    technician_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8), default="work", info=choices(*TIME_KINDS))
    started_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    ended_at: Mapped[Optional[dt.datetime]] = mapped_column(Timestamp)
    note: Mapped[Optional[str]] = mapped_column(Text)


#: The records a file can be attached to, and the attachment's column naming each.
ATTACHABLE = {"service_job": "job_id", "account": "account_id", "visit": "visit_id"}


class Attachment(Entity):
    """A file's metadata; the blob itself is content-addressed by sha256 and syncs apart."""

    __tablename__ = "attachment"
    __entity__ = "attachment"
    __search__ = ("name",)
    __label__ = ("name",)

    sha256: Mapped[str] = mapped_column(String(64), index=True, info={"pattern": "^[0-9a-f]{64}$"})
    name: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, info={"min": 0})
    job_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    account_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
    visit_id: Mapped[Optional[str]] = mapped_column(String(36), index=True)
