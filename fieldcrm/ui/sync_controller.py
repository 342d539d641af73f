"""Runs sync rounds in the background and tells the window how it went.

Rounds run on the runner's network pool (the engine opens its own replica
connection), one at a time, on the Sync button, after sign-in and on a timer.
Results come back on the GUI thread: the status bar's state, the sync log,
and one change-bus announcement of everything a round may have touched.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from PySide6.QtCore import QObject, QTimer, Signal

from fieldcrm.ui.changes import Change
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.runner import Op, OpHandle

#: Everything a pull can bring.
SYNCED = (Change.ACCOUNTS | Change.CONTACTS | Change.VISIT_PLANS | Change.VISITS | Change.ACTIVITIES
          | Change.OPPORTUNITIES | Change.ORDERS | Change.JOBS | Change.PRODUCTS | Change.TERRITORIES
          | Change.USERS | Change.PIPELINE | Change.SYNC)


def _round(service, progress=None, cancel=None):
    """One round, reporting progress as (done, total, phase)."""
    report = None if progress is None else (lambda p: progress(p.done, p.total or 0, p.phase))
    return service.sync_now(report, cancel)


def _open_service(replica, site):
    from fieldcrm.services.sync_service import SyncService

    return SyncService.open(replica, site)


class SyncController(QObject):
    """``state_changed(state, detail)``: online, offline, syncing, signed_out
    (never signed in), sign_in_again (the token was revoked or is missing).
    ``round_finished(summary)``; ``log_added(line)``; ``progress(done, total)``."""

    state_changed = Signal(str, str)
    round_finished = Signal(object)
    log_added = Signal(str)
    progress = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *, service=None):
        super().__init__(parent)
        self.ctx = ctx
        self.log: list[str] = []
        self.state = "offline"
        self._handle: Optional[OpHandle] = None
        self._service = service
        self._service_error: Optional[str] = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.sync_now)

    # -- the service ---------------------------------------------------------

    @property
    def service(self):
        if self._service is None and self._service_error is None:
            try:
                self._service = _open_service(self.ctx.replica, self.ctx.site)
            except Exception as exc:  # no acceptable keyring: say so, keep working offline
                self._service_error = str(exc)
        return self._service

    def use_service(self, service) -> None:
        """Sync through ``service`` (e.g. one with a keyring chosen for a demo)."""
        self._service, self._service_error = service, None

    def start(self) -> None:
        """Show the sign-in state and, when signed in, sync now and on a timer."""
        service = self.service
        account = service.account() if service is not None else None
        if account is None:
            self._set_state("signed_out", self._service_error or self.tr("Not signed in"))
            return
        if account.sign_in_needed:
            self._set_state("sign_in_again", account.auth_message or self.tr("Sign in again"))
            return
        minutes = self.ctx.prefs.get("sync/interval_minutes")
        self._timer.start(max(1, minutes) * 60_000)
        self.sync_now()

    def stop(self) -> None:
        self._timer.stop()
        if self._handle is not None:
            self._handle.cancel()

    @property
    def running(self) -> bool:
        return self._handle is not None

    # -- rounds --------------------------------------------------------------------

    def sync_now(self) -> None:
        if self._handle is not None or self.service is None:
            if self.service is None and self._handle is None:
                self._set_state("signed_out", self._service_error or "")
            return
        self._set_state("syncing", "")
        self._handle = (
            Op(_round, self.service, kind="network", label=self.tr("Syncing…"))
            .progress(lambda p: self.progress.emit(p.done, p.total))
            .success(self._finished)
            .failure(self._failed)
            .run(self.ctx.runner)
        )

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()

    def _finished(self, summary) -> None:
        self._handle = None
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        if summary.ok:
            self._add_log(self.tr("%1  sent %2, received %3, conflicts %4, rejected %5").replace(
                "%1", stamp).replace("%2", str(summary.pushed)).replace("%3", str(summary.pulled_rows))
                .replace("%4", str(summary.conflicts)).replace("%5", str(summary.rejected)))
            self._set_state("online", "")
        else:
            self._add_log(f"{stamp}  {summary.error}")
            state = {"sign_in": "sign_in_again", "unreachable": "offline"}.get(summary.error_kind, "offline")
            self._set_state(state, summary.error or "")
        for message in summary.parked_messages:
            self._add_log(f"{stamp}  {message}")
        self.ctx.bus.changed_data(SYNCED)
        self.round_finished.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self._handle = None
        self._add_log(f"{dt.datetime.now():%H:%M:%S}  {exc}")
        self._set_state("offline", str(exc))
        self.ctx.bus.changed_data(Change.SYNC)

    def signed_in(self) -> None:
        self._service_error = None
        self.start()

    def _add_log(self, line: str) -> None:
        self.log.append(line)
        self.log_added.emit(line)

    def _set_state(self, state: str, detail: str) -> None:
        self.state = state
        self.state_changed.emit(state, detail)
