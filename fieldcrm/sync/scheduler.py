"""When to sync: on demand, on a timer, after local edits, and on reconnect.

One worker thread owns the decisions; callers only post wishes
(``sync_soon``, ``local_edit``) and get the summary through ``on_result``.
After a round that could not reach the server, the scheduler stops running
rounds and probes ``/health`` instead (cheap, no sign-in), with growing
pauses; the first probe that answers starts a round at once. A round that
needs a new sign-in waits for ``signed_in()``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from typing import Callable, Optional

log = logging.getLogger(__name__)


class SyncScheduler:
    """Runs ``run_round`` (returning a summary with ``error_kind``) at the right moments.

    ``interval``: seconds between rounds while online (the site's
    ``sync_interval``); ``debounce``: quiet seconds after the last local edit
    before a round; ``probe``: returns True when the server answers.
    """

    def __init__(
        self,
        run_round: Callable[[], object],
        probe: Callable[[], bool],
        *,
        interval: float = 300.0,
        debounce: float = 5.0,
        first_retry: float = 2.0,
        max_retry: float = 300.0,
        on_result: Optional[Callable[[object], None]] = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._run_round = run_round
        self._probe = probe
        self.interval, self.debounce = interval, debounce
        self.first_retry, self.max_retry = first_retry, max_retry
        self._on_result = on_result or (lambda summary: None)
        self._clock = clock
        self._wake = threading.Condition()
        self._due: Optional[float] = None
        self._offline_since: Optional[float] = None
        self._retry_delay = first_retry
        self._waiting_for_sign_in = False
        self._stopping = False
        self._first_edit: Optional[float] = None
        self._thread: Optional[threading.Thread] = None
        self.rounds = 0
        self.probes = 0

    # -- what callers post ------------------------------------------------------
    def start(self, *, sync_now: bool = True) -> None:
        with self._wake:
            self._due = self._clock() if sync_now else self._clock() + self.interval
        self._thread = threading.Thread(target=self._loop, name="sync-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def sync_soon(self) -> None:
        """The person asked for a sync: run one now (or probe now when offline)."""
        with self._wake:
            self._waiting_for_sign_in = False
            self._retry_delay = self.first_retry
            self._due = self._clock()
            self._wake.notify_all()

    def local_edit(self) -> None:
        """A local change was saved: sync after ``debounce`` quiet seconds.

        Each edit pushes the round back, but never more than four debounce
        periods after the first unsynced edit, so steady typing still syncs.
        """
        with self._wake:
            now = self._clock()
            if self._offline_since is not None or self._waiting_for_sign_in:
                return  # the edit waits in the outbox for the reconnect round
            if self._first_edit is None:
                self._first_edit = now
            if self._due is None or self._due > now:
                self._due = min(now + self.debounce, self._first_edit + 4 * self.debounce)
            self._wake.notify_all()

    def signed_in(self) -> None:
        self.sync_soon()

    @property
    def offline(self) -> bool:
        return self._offline_since is not None

    # -- the worker -------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and (self._due is None or self._clock() < self._due):
                    wait = None if self._due is None else max(0.0, self._due - self._clock())
                    self._wake.wait(wait)
                if self._stopping:
                    return
                self._due = None
                self._first_edit = None
                offline = self._offline_since is not None
            if offline and not self._probe_once():
                continue
            self._round()

    def _probe_once(self) -> bool:
        self.probes += 1
        try:
            up = bool(self._probe())
        except Exception:
            up = False
        if up:
            return True
        with self._wake:
            self._due = self._clock() + self._next_retry()
        return False

    def _next_retry(self) -> float:
        delay = self._retry_delay
        self._retry_delay = min(self.max_retry, self._retry_delay * 2)
        return random.uniform(delay / 2, delay)

    def _round(self) -> None:
        self.rounds += 1
        try:
            summary = self._run_round()
        except Exception:  # a bug must not stop the scheduler; the log keeps it
            log.exception("sync round failed")
            summary = None
        kind = getattr(summary, "error_kind", None)
        with self._wake:
            if kind in ("unreachable", "server"):
                self._offline_since = self._offline_since or self._clock()
                self._due = self._clock() + self._next_retry()
            elif kind == "sign_in":
                self._waiting_for_sign_in = True
                self._due = None
            else:
                self._offline_since = None
                self._retry_delay = self.first_retry
                if self._due is None:
                    self._due = self._clock() + self.interval
        if summary is not None:
            self._on_result(summary)
