"""Decides when the app syncs and tells the window how it went.

The decisions are the sync service's :class:`~fieldcrm.sync.scheduler.SyncScheduler`:
a round on the Sync button, after sign-in, every ``sync/interval_minutes``, a
few quiet seconds after a local edit, and — after a round that could not reach
the server — a cheap ``/health`` probe with growing pauses until the server
answers, then a round at once. Where Qt has a network-information backend, the
network coming back also starts a round straight away.

Rounds and probes run on the scheduler's own thread (the engine opens its own
replica connection); a first sync runs in a ``fieldcrm sync`` process of its
own, which that thread waits for (see ``SyncService.sync_now``), so decoding
and writing the whole replica never holds up the window. Who is signed in is
read on the runner's replica thread.
Results come back to the GUI thread by queued signals: the status bar's state,
the sync log, and one change-bus announcement of everything a round may have
touched.
"""

from __future__ import annotations

import datetime as dt
import gc
from typing import Optional

from PySide6.QtCore import QObject, Signal

from fieldcrm.ui.changes import Change
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.runner import Op

#: Everything a pull can bring.
SYNCED = (Change.ACCOUNTS | Change.CONTACTS | Change.LEADS | Change.VISIT_PLANS | Change.VISITS | Change.ACTIVITIES
          | Change.OPPORTUNITIES | Change.ORDERS | Change.JOBS | Change.PRODUCTS | Change.TERRITORIES
          | Change.USERS | Change.ATTACHMENTS | Change.PIPELINE | Change.SYNC)
#: What the person can change on this laptop: any of these starts a debounced round.
LOCAL_EDITS = SYNCED & ~Change.SYNC

#: Quiet seconds after the last local edit before a round.
DEBOUNCE_S = 5.0
#: Pauses between ``/health`` probes while offline: the first, and the longest.
FIRST_RETRY_S = 2.0
MAX_RETRY_S = 60.0


def _open_service(replica, site):
    from fieldcrm.services.sync_service import SyncService

    return SyncService.open(replica, site)


def who_is_signed_in(replica, site, service):
    """On the replica thread: the service (opened with this machine's keyring the
    first time), why it could not be opened, and the signed-in account."""
    error = None
    if service is None:
        try:
            service = _open_service(replica, site)
        except Exception as exc:  # no acceptable keyring: say so, keep working offline
            error = str(exc)
    account = service.account() if service is not None else None
    return service, error, account


class _FromScheduler(QObject):
    """Signals emitted on the scheduler's thread, delivered on the GUI thread."""

    round_started = Signal()
    round_done = Signal(object)
    probed = Signal(bool)
    progressed = Signal(int, int)


class SyncController(QObject):
    """``state_changed(state, detail)``: online, offline, syncing, checking,
    signed_out (never signed in), sign_in_again (the token was revoked or is
    missing). ``round_finished(summary)``; ``log_added(line)``;
    ``progress(done, total)``; ``account_known(account or None)`` after each
    check of who is signed in."""

    state_changed = Signal(str, str)
    round_finished = Signal(object)
    log_added = Signal(str)
    progress = Signal(int, int)
    account_known = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *, service=None,
                 debounce: float = DEBOUNCE_S, first_retry: float = FIRST_RETRY_S,
                 max_retry: float = MAX_RETRY_S):
        super().__init__(parent)
        self.ctx = ctx
        self.log: list[str] = []
        self.state = "checking"
        self.account = None
        self.scheduler = None
        self._service = service
        self._service_error: Optional[str] = None
        self._timing = dict(debounce=debounce, first_retry=first_retry, max_retry=max_retry)
        self._running = False
        self._checking = False
        self._check_again = False
        self._stopped = False
        self._network_info = None
        self._round_cancel = None
        self._from_scheduler = _FromScheduler(self)
        self._from_scheduler.round_started.connect(self._round_started)
        self._from_scheduler.round_done.connect(self._finished)
        self._from_scheduler.probed.connect(self._probed)
        self._from_scheduler.progressed.connect(self.progress)
        ctx.bus.subscribe(LOCAL_EDITS, lambda _c: self._local_edit(), owner=self, skip_own=True)
        ctx.prefs.changed.connect(self._setting_changed)

    # -- the service ---------------------------------------------------------

    @property
    def service(self):
        """The sync service once known (``None`` before the first check, or when
        this laptop has no acceptable keyring)."""
        return self._service

    @property
    def service_error(self) -> Optional[str]:
        return self._service_error

    def use_service(self, service) -> None:
        """Sync through ``service`` (e.g. one with a keyring chosen for a demo)."""
        self._service, self._service_error = service, None

    def start(self) -> None:
        """Find out who is signed in (on the replica thread); when someone is,
        sync now and then whenever the scheduler says so."""
        self._set_state("checking", "")
        self.check_account()

    def check_account(self) -> None:
        if self._stopped or self.ctx.closed:
            return
        if self._checking:  # a sign-in may have landed since that check began
            self._check_again = True
            return
        self._checking = True
        (Op(who_is_signed_in, self.ctx.replica, self.ctx.site, self._service, label=self.tr("Checking sign-in"))
         .in_background()
         .success(self._account_checked)
         .failure(self._check_failed)
         .run(self.ctx.runner))

    def _account_checked(self, answer) -> None:
        self._checking = False
        if self._check_again:
            self._check_again = False
            self.check_account()
            return
        service, error, account = answer
        if self._service is None:
            self._service, self._service_error = service, error
        self.account = account
        self.account_known.emit(account)
        if self._stopped:
            return
        if account is None:
            self._set_state("signed_out", self._service_error or self.tr("Not signed in"))
        elif account.sign_in_needed:
            self._set_state("sign_in_again", account.auth_message or self.tr("Sign in again"))
        elif self.scheduler is None:
            self._start_scheduler()
        else:
            self.scheduler.signed_in()

    def _check_failed(self, exc: BaseException) -> None:
        self._checking = False
        self._service_error = str(exc)
        self.account_known.emit(None)
        self._set_state("signed_out", str(exc))

    def _start_scheduler(self) -> None:
        from fieldcrm.sync.scheduler import SyncScheduler

        self.scheduler = SyncScheduler(self._run_round, self._probe, interval=self._interval_s(),
                                       on_result=self._from_scheduler.round_done.emit, **self._timing)
        self._watch_network()
        # The window, its pages and every module are up by now and live as long
        # as the app: out of the cyclic collector's reach, a full collection
        # (run by whichever thread allocates at the wrong moment, holding the
        # GIL throughout) walks only what was made since, e.g. the ids the
        # lists read again after a first sync, not the whole application
        # (until ``stop``).
        gc.freeze()
        self.scheduler.start(sync_now=True)

    def _interval_s(self) -> float:
        return max(1, self.ctx.prefs.get("sync/interval_minutes")) * 60.0

    def _setting_changed(self, name: str) -> None:
        if name == "sync/interval_minutes" and self.scheduler is not None:
            self.scheduler.interval = self._interval_s()
        elif name == "sync/on_reconnect" and self.scheduler is not None and self._network_info is None:
            self._watch_network()  # turned on (turned off, _reachability_changed ignores the news)

    def _watch_network(self) -> None:
        """Sync as soon as the system says the network is back, where Qt can tell."""
        if not self.ctx.prefs.get("sync/on_reconnect"):
            return
        from PySide6.QtNetwork import QNetworkInformation

        try:
            loaded = QNetworkInformation.loadDefaultBackend()
        except Exception:
            loaded = False
        info = QNetworkInformation.instance() if loaded else None
        if info is None:
            return  # no backend here: the /health probe alone notices the server coming back
        self._network_info = info
        info.reachabilityChanged.connect(self._reachability_changed)

    def _reachability_changed(self, reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if (reachability == QNetworkInformation.Reachability.Online and self.scheduler is not None
                and self.ctx.prefs.get("sync/on_reconnect")):
            self.scheduler.sync_soon()

    # -- on the scheduler's thread ---------------------------------------------------

    def _run_round(self):
        from fieldcrm.sync.engine import CancelToken

        # Made before the window hears of the round, so a Cancel as soon as it
        # shows "syncing" is never lost.
        self._round_cancel = cancel = CancelToken()
        self._from_scheduler.round_started.emit()
        return self._service.sync_now(lambda p: self._from_scheduler.progressed.emit(p.done, p.total or 0),
                                      cancel, first_sync_apart=True)

    def _probe(self) -> bool:
        up = self._service.server_reachable()
        self._from_scheduler.probed.emit(up)
        return up

    # -- on the GUI thread -----------------------------------------------------------

    def stop(self) -> None:
        """Stop syncing (the window is closing). The running round is cancelled;
        the scheduler thread is joined off the GUI thread."""
        self._stopped = True
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is None:
            return
        gc.unfreeze()  # what the window held can be collected again
        self.cancel()
        Op(scheduler.stop, kind="network").in_background().run(self.ctx.runner)

    @property
    def running(self) -> bool:
        return self._running

    @property
    def offline(self) -> bool:
        return self.scheduler is not None and self.scheduler.offline

    def sync_now(self) -> None:
        """The person asked for a sync: a round now (a probe first while offline)."""
        if self.scheduler is not None:
            self.scheduler.sync_soon()
        elif self.state not in ("signed_out", "sign_in_again") or self.account is None:
            self.check_account()

    def cancel(self) -> None:
        """Stop the running round (a first sync's process is ended at once)."""
        if self._round_cancel is not None:
            self._round_cancel.cancel()
        if self._service is not None:
            self._service.cancel_current()

    def signed_in(self) -> None:
        self._service_error = None
        self.check_account()

    def _local_edit(self) -> None:
        if self.scheduler is not None:
            self.scheduler.local_edit()

    def _round_started(self) -> None:
        self._running = True
        self._set_state("syncing", "")

    def _probed(self, up: bool) -> None:
        if self._running or self._stopped:
            return
        if up:
            self._set_state("online", "")
        else:
            self._set_state("offline", self.tr("The server does not answer; trying again shortly."))

    def _finished(self, summary) -> None:
        self._running = False
        if self._stopped:
            return
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
        if (summary.pulled_rows or summary.removed_rows) and self.ctx.replica is not None:
            self.ctx.replica.note_sync_writes()  # the idle upkeep merges the search index after it
        self.ctx.bus.changed_data(SYNCED, source=self)
        self.round_finished.emit(summary)

    def _add_log(self, line: str) -> None:
        self.log.append(line)
        self.log_added.emit(line)

    def _set_state(self, state: str, detail: str) -> None:
        self.state = state
        self.state_changed.emit(state, detail)
