"""The ERP job queue: written with the change that asks for it, claimed by one worker.

:func:`queue_erp_work` runs inside the transaction that applies a laptop's
mutation (see :mod:`fieldcrm.server.push`), so an order whose status became
``submitted`` and its job commit together or not at all. A laptop sends an
order and its lines as separate mutations, so a new job waits
``submit_settle`` seconds, and each later change to the order or its lines
while the job is still queued moves that moment on.

Claiming takes the oldest ready job with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (a push holding the row is skipped, not waited for); on SQLite the
write transaction itself is exclusive. A claimed job is ``running`` until the
worker writes its outcome; a worker that died leaves it ``running`` and the
next worker, once it holds the worker lock, takes it again (see ``worker``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fieldcrm.server.db import Database
from fieldcrm.server.erp import config
from fieldcrm.server.erp.tables import (CREATE_CUSTOMER, DONE, FAILED, QUEUED, RUNNING, SUBMIT_ORDER,
                                        ErpJob)
from fieldcrm.storage.sales import Account, SalesOrder, SalesOrderLine
from fieldcrm.storage.types import utcnow

BACKOFF_FIRST = 5.0  # seconds before the first retry
BACKOFF_MAX = 900.0  # never wait longer than this between tries


def backoff(attempts: int, *, first: float = BACKOFF_FIRST, cap: float = BACKOFF_MAX) -> float:
    """Seconds to wait after ``attempts`` failed tries: doubling, capped, with jitter."""
    delay = min(cap, first * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.0)


def _upsert(session: Session, kind: str, row_id: str, ready_at: dt.datetime) -> None:
    job = session.execute(
        select(ErpJob).where(ErpJob.kind == kind, ErpJob.row_id == row_id).with_for_update()
    ).scalar_one_or_none()
    now = utcnow()
    if job is None:
        session.add(ErpJob(kind=kind, row_id=row_id, state=QUEUED, attempts=0, ready_at=ready_at,
                           created_at=now, updated_at=now))
    elif job.state in (DONE, FAILED):
        job.state, job.attempts, job.ready_at, job.last_error, job.updated_at = QUEUED, 0, ready_at, None, now
    elif job.state == QUEUED and job.attempts == 0:
        job.ready_at, job.updated_at = max(job.ready_at, ready_at), now


def queue_erp_work(session: Session, entity: str, row_id: str) -> None:
    """Queue what a laptop's change asks of the ERP, in the change's own transaction."""
    if entity not in ("sales_order", "sales_order_line", "account"):
        return
    if entity == "account":
        account = session.get(Account, row_id)
        if (account is not None and account.type == "customer" and not account.erp_ref
                and config.policy_flag(session, "allow_erp_customer_create")):
            _upsert(session, CREATE_CUSTOMER, row_id, utcnow())
        return
    order_id = row_id
    if entity == "sales_order_line":
        line = session.get(SalesOrderLine, row_id)
        if line is None:
            return
        order_id = line.order_id
    order = session.get(SalesOrder, order_id)
    if order is None or order.status != "submitted":
        return
    settle = dt.timedelta(seconds=config.policy_seconds(session, "submit_settle"))
    if entity == "sales_order":
        _upsert(session, SUBMIT_ORDER, order_id, utcnow() + settle)
    else:  # a line arrived or changed: give the rest of the order time to arrive
        session.execute(update(ErpJob).where(
            ErpJob.kind == SUBMIT_ORDER, ErpJob.row_id == order_id, ErpJob.state == QUEUED,
            ErpJob.attempts == 0).values(ready_at=utcnow() + settle))


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: str
    row_id: str
    attempts: int  # including this one


def claim(db: Database, worker: str) -> Optional[ClaimedJob]:
    """Take the oldest ready job, or None."""
    with db.write() as session:
        query = (select(ErpJob).where(ErpJob.state == QUEUED, ErpJob.ready_at <= utcnow())
                 .order_by(ErpJob.ready_at, ErpJob.id).limit(1))
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        job = session.execute(query).scalar_one_or_none()
        if job is None:
            return None
        job.state, job.worker, job.attempts, job.updated_at = RUNNING, worker, job.attempts + 1, utcnow()
        return ClaimedJob(job.id, job.kind, job.row_id, job.attempts)


def fresh_jobs_waiting(db: Database) -> bool:
    """Jobs never tried yet (e.g. still settling) are queued."""
    with db.read() as session:
        return session.execute(select(func.count()).select_from(ErpJob).where(
            ErpJob.state == QUEUED, ErpJob.attempts == 0)).scalar_one() > 0


def release_orphans(db: Database) -> int:
    """Jobs left ``running`` by a worker that died go back to the queue, ready now.

    Only called by the worker holding the worker lock, so no live worker
    is running any of them.
    """
    with db.write() as session:
        return session.execute(update(ErpJob).where(ErpJob.state == RUNNING).values(
            state=QUEUED, ready_at=utcnow(), updated_at=utcnow())).rowcount or 0


def locked_job(session: Session, job: ClaimedJob) -> Optional[ErpJob]:
    """The job row, locked, if it is still this claim's (not requeued meanwhile)."""
    row = session.get(ErpJob, job.id, with_for_update=True)
    if row is None or row.state != RUNNING or row.attempts != job.attempts:
        return None
    return row


def finish(row: ErpJob, *, failed_with: Optional[str] = None) -> None:
    row.state = FAILED if failed_with else DONE
    row.last_error, row.updated_at = failed_with, utcnow()


def retry_later(row: ErpJob, error: str, *, delay: float) -> None:
    row.state, row.last_error = QUEUED, error
    row.ready_at = utcnow() + dt.timedelta(seconds=delay)
    row.updated_at = utcnow()


@dataclass(frozen=True)
class QueueStatus:
    queued: int
    ready: int
    running: int
    failed: int
    done: int
    oldest_waiting: Optional[dt.datetime]
    last_job_error: Optional[str]


def queue_status(session: Session) -> QueueStatus:
    counts = dict(session.execute(select(ErpJob.state, func.count()).group_by(ErpJob.state)).all())
    now = utcnow()
    ready = session.execute(select(func.count()).select_from(ErpJob).where(
        ErpJob.state == QUEUED, ErpJob.ready_at <= now)).scalar_one()
    oldest = session.execute(select(func.min(ErpJob.created_at)).where(
        ErpJob.state.in_((QUEUED, RUNNING)))).scalar_one()
    error = session.execute(select(ErpJob.last_error).where(ErpJob.last_error.is_not(None))
                            .order_by(ErpJob.updated_at.desc()).limit(1)).scalar_one_or_none()
    return QueueStatus(queued=counts.get(QUEUED, 0), ready=ready, running=counts.get(RUNNING, 0),
                       failed=counts.get(FAILED, 0), done=counts.get(DONE, 0),
                       oldest_waiting=oldest, last_job_error=error)
