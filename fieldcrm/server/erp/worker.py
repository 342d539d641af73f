"""The ERP worker: sends queued jobs to the ERP and pulls master data now and then.

Exactly one worker works at a time. It holds a lock the operating system or
the database releases when its process dies: a PostgreSQL advisory lock on a
connection of its own, or an exclusive ``flock`` on ``<server db>.erp-worker.lock``
next to a SQLite database. Orders therefore reach the ERP one at a time, as
the connector requires (two first submissions of one order could both create,
and Tryton on SQLite mis-numbers under concurrent writes). A second worker
started meanwhile waits as a standby and takes over when the first one dies.

Holding the lock means no other worker is alive, so jobs still marked
``running`` were left by a dead worker: they go back to the queue and are sent
again. The ERP finds the first attempt by the CRM order id (its idempotency
key) and answers with that order instead of creating a second one.

``FIELDCRM_ERP_KILL_AFTER_SUBMIT=1`` makes the worker SIGKILL itself right
after the ERP accepted an order and before the answer is written: the crash
the exactly-once test reproduces. Unset, it does nothing.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from pathlib import Path
from typing import Callable, Optional

from sqlalchemy import text
from sqlalchemy.engine import make_url

from fieldcrm.erp.connector import ErpConnector, ErpError, ErpRateLimited, ErpRejected
from fieldcrm.server.db import Database
from fieldcrm.server.erp import config, jobs
from fieldcrm.server.erp.masterdata import MasterData, PullSummary, pull_master_data
from fieldcrm.server.erp.orders import (NeedsCustomer, Unsendable, locked_order, new_customer, order_request,
                                        write_rejected, write_status, write_waiting)
from fieldcrm.server.erp.publish import update_from_erp
from fieldcrm.server.erp.tables import CREATE_CUSTOMER, SUBMIT_ORDER
from fieldcrm.server.oplog import OpLog
from fieldcrm.storage.sales import Account, SalesOrder
from fieldcrm.storage.types import utcnow
from fieldcrm.storage.validation import ValidationError

log = logging.getLogger("fieldcrm.server.erp")

KILL_AFTER_SUBMIT_ENV = "FIELDCRM_ERP_KILL_AFTER_SUBMIT"
ADVISORY_KEY = 0x6663726D657270  # "fcrmerp"


def kill_self_after_submit_if_asked() -> None:
    """The crash test's hook: die between the ERP's answer and its write-back."""
    if os.environ.get(KILL_AFTER_SUBMIT_ENV) == "1":
        os.kill(os.getpid(), signal.SIGKILL)


class WorkerLock:
    """The one-worker-at-a-time lock; released by the OS/database when the process dies."""

    def __init__(self, db: Database):
        self.db = db
        self._file = None
        self._conn = None

    def try_acquire(self) -> bool:
        if self.db.is_sqlite:
            import fcntl

            path = Path(make_url(self.db.url).database or "server.sqlite").with_suffix(".erp-worker.lock")
            handle = open(path, "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._file = handle
            return True
        conn = self.db.engine.connect()
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar():
            conn.commit()
            self._conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the flock
            self._file = None
        if self._conn is not None:
            self._conn.close()  # ends the session and its advisory lock
            self._conn = None


def record_error(db: Database, message: str) -> None:
    try:
        with db.write() as session:
            config.set_value(session, "last_error", message[:2000])
            config.set_time(session, "last_error_at", utcnow())
    except Exception:  # the database itself is down: the log has it
        log.exception("could not record the ERP error")


class Worker:
    def __init__(self, db: Database, *, name: Optional[str] = None, idle_sleep: float = 1.0,
                 connector_factory: Optional[Callable[[], ErpConnector]] = None,
                 stop: Optional[threading.Event] = None):
        self.db = db
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.idle_sleep = idle_sleep
        self.stop = stop or threading.Event()
        self._factory = connector_factory
        self._connector: Optional[ErpConnector] = None
        self._connection: Optional[config.ErpConnection] = None
        self.lock = WorkerLock(db)
        self.credit_to_refresh: set[str] = set()

    # -- the connector, rebuilt when an admin changes the settings --------------------
    def connector(self) -> ErpConnector:
        if self._factory is not None:
            if self._connector is None:
                self._connector = self._factory()
            return self._connector
        with self.db.read() as session:
            connection = config.load_connection(session)
        if connection != self._connection:
            self.close_connector()
            self._connector, self._connection = connection.connector(), connection
        return self._connector

    def close_connector(self) -> None:
        if self._connector is not None:
            self._connector.close()
        self._connector = None

    # -- the loop ----------------------------------------------------------------------
    def run(self, *, exit_when_idle: bool = False, pull: bool = True) -> None:
        """Work until stopped; ``exit_when_idle``: once every job was tried at least once."""
        announced = False
        while not self.lock.try_acquire():
            if not announced:
                log.info("another ERP worker is running; %s waits as a standby", self.name)
                announced = True
            if self.stop.wait(2.0):
                return
        try:
            released = jobs.release_orphans(self.db)
            if released:
                log.info("%d job(s) left by a stopped worker are queued again", released)
            while not self.stop.is_set():
                worked = self.run_one()
                if pull:
                    self.pull_if_due()
                if not worked:
                    self.refresh_credit()
                    if exit_when_idle and not jobs.fresh_jobs_waiting(self.db):
                        return
                    self.stop.wait(self.idle_sleep)
        finally:
            self.close_connector()
            self.lock.release()

    def pull_if_due(self) -> Optional[PullSummary]:
        with self.db.read() as session:
            interval = config.policy_seconds(session, "pull_interval")
            last = config.get_time(session, "last_pull_at")
            configured = config.get_value(session, "connection.kind") is not None or self._factory is not None
        if not configured or interval <= 0:
            return None
        if last is not None and (utcnow() - last).total_seconds() < interval:
            return None
        try:
            return pull_master_data(self.db, self.connector())
        except (ErpError, config.SecretKeyError, ValueError) as exc:
            record_error(self.db, f"master-data pull: {exc}")
            with self.db.write() as session:  # try again after the interval, not in a tight loop
                config.set_time(session, "last_pull_at", utcnow())
            return None

    def run_one(self) -> bool:
        """Send one ready job; False when none was ready."""
        job = jobs.claim(self.db, self.name)
        if job is None:
            return False
        try:
            if job.kind == SUBMIT_ORDER:
                self.submit_order(job)
            elif job.kind == CREATE_CUSTOMER:
                self.create_customer(job)
        except Exception as exc:  # retryable ERP errors, bad answers, our own database failing
            self.retry_later(job, exc)
        return True

    def retry_later(self, job: jobs.ClaimedJob, exc: Exception) -> None:
        retryable = isinstance(exc, ErpError) and exc.retryable
        message = str(exc) or type(exc).__name__
        if not isinstance(exc, ErpError):
            log.exception("ERP job %s (%s %s) failed", job.id, job.kind, job.row_id)
            message = f"{type(exc).__name__}: {message}"
        delay = jobs.backoff(job.attempts)
        if isinstance(exc, ErpRateLimited) and exc.retry_after:
            delay = max(delay, exc.retry_after)
        if not retryable:  # an admin must act (login, a bad answer): try less often
            delay = max(delay, 60.0)
        record_error(self.db, f"{job.kind} {job.row_id}: {message}")
        with self.db.write() as session:
            row = jobs.locked_job(session, job)
            if row is None:
                return
            jobs.retry_later(row, message, delay=delay)
            if job.kind == SUBMIT_ORDER:
                order = locked_order(session, job.row_id)
                if order is not None:
                    oplog = OpLog(session)
                    write_waiting(session, oplog, order)
                    oplog.flush()

    # -- orders ----------------------------------------------------------------------
    def submit_order(self, job: jobs.ClaimedJob) -> None:
        with self.db.read() as session:
            order = session.get(SalesOrder, job.row_id)
            may_create = config.policy_flag(session, "allow_erp_customer_create")
            request, problem, needs = None, None, None
            if order is not None and order.status in ("submitted",):
                try:
                    request = order_request(session, order, may_create_customer=may_create)
                except Unsendable as exc:
                    problem = str(exc)
                except NeedsCustomer as exc:
                    needs = exc.account_id
        if needs is not None:
            try:
                self.ensure_customer(needs)
            except (ErpRejected, Unsendable) as exc:
                return self.finish(job, rejected=f"The ERP could not create the customer: {exc}")
            return self.submit_order(job)
        if request is None and problem is None:  # deleted, or no longer submitted
            return self.finish(job)
        if problem is not None:
            return self.finish(job, rejected=f"Order not sent to the ERP: {problem}.")
        connector = self.connector()
        try:
            status = connector.submit_order(request)
        except ErpRejected as exc:
            return self.finish(job, rejected=exc.message)
        kill_self_after_submit_if_asked()
        self.finish(job, status=status)
        self.credit_to_refresh.add(request.customer_erp_ref)

    def finish(self, job: jobs.ClaimedJob, *, status=None, rejected: Optional[str] = None) -> None:
        with self.db.write() as session:
            row = jobs.locked_job(session, job)
            if row is None:
                return
            oplog = OpLog(session)
            order = locked_order(session, job.row_id)
            if order is not None and status is not None:
                write_status(session, oplog, order, status)
            elif order is not None and rejected is not None:
                write_rejected(session, oplog, order, rejected)
            jobs.finish(row, failed_with=rejected)
            oplog.flush()

    def refresh_credit(self) -> None:
        """Accepted orders move their customers' credit; show it without waiting for a pull.

        Done once the queue has no ready job, for every customer ordered for meanwhile.
        """
        refs, self.credit_to_refresh = sorted(self.credit_to_refresh), set()
        if not refs:
            return
        try:
            MasterData(self.db).refresh_credit(self.connector(), refs, PullSummary())
        except (ErpError, ValidationError) as exc:
            record_error(self.db, f"credit of customers {', '.join(refs[:10])}: {exc}")

    # -- customers ----------------------------------------------------------------------
    def ensure_customer(self, account_id: str) -> str:
        """The account's ERP customer: found by its CRM code after a crash, else created."""
        connector = self.connector()
        pull_master_data(self.db, connector, full=False)  # links a customer an earlier try created
        with self.db.read() as session:
            account = session.get(Account, account_id)
            if account is None:
                raise Unsendable("the order's account no longer exists")
            if account.erp_ref:
                return account.erp_ref
            wanted = new_customer(account)
        erp_ref = connector.create_customer(wanted)
        with self.db.write() as session:
            account = session.get(Account, account_id, with_for_update=True)
            if account is not None:
                oplog = OpLog(session)
                update_from_erp(session, oplog, account, {"erp_ref": erp_ref})
                MasterData.link(session, "account", erp_ref, account.id)
                oplog.flush()
        return erp_ref

    def create_customer(self, job: jobs.ClaimedJob) -> None:
        with self.db.read() as session:
            allowed = config.policy_flag(session, "allow_erp_customer_create")
        if allowed:
            try:
                self.ensure_customer(job.row_id)
            except (ErpRejected, Unsendable) as exc:
                with self.db.write() as session:
                    row = jobs.locked_job(session, job)
                    if row is not None:
                        jobs.finish(row, failed_with=str(exc))
                return
        with self.db.write() as session:
            row = jobs.locked_job(session, job)
            if row is not None:
                jobs.finish(row)


def run_in_thread(db_url: str) -> tuple[threading.Thread, threading.Event]:
    """The worker beside the HTTP server (``serve --erp-worker``)."""
    stop = threading.Event()

    def work() -> None:
        db = Database(db_url, pool_size=2)
        try:
            Worker(db, stop=stop).run()
        finally:
            db.dispose()

    thread = threading.Thread(target=work, name="erp-worker", daemon=True)
    thread.start()
    return thread, stop

