"""Background work for the desktop app: one runner, two kinds of worker.

Views never wait on disk or network. They describe the work as an :class:`Op`
and hand it to the :class:`TaskRunner`::

    Op(services.accounts.list_accounts, query).success(self.show_accounts).run(runner)

* ``kind="replica"`` (the default) runs on the runner's single replica
  thread, in submission order, so replica access is never concurrent.
* ``kind="network"`` runs on a small thread pool.

Callbacks (``success``, ``failure``, ``progress``) run on the GUI thread:
results travel back by queued signals, so workers never touch widgets.

A function that declares a ``cancel`` parameter receives a
:class:`CancelToken`; one that declares ``progress`` receives a callable
``progress(done, total, text="")``. Both are optional.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Literal

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QThread,
    QThreadPool,
    QTimer,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication
import shiboken6

log = logging.getLogger(__name__)

Kind = Literal["replica", "network"]

#: An op still running after this long shows the busy cursor.
BUSY_CURSOR_DELAY_MS = 300
#: An op still running after this long is announced for a progress display.
PROGRESS_DELAY_MS = 600
#: Network work runs on at most this many threads at once.
NETWORK_THREADS = 4


class Cancelled(Exception):
    """The op was cancelled before it produced a result."""


class CancelToken:
    """Set from the GUI thread, checked by the worker between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Stop the work here if it was cancelled (raises :class:`Cancelled`)."""
        if self._event.is_set():
            raise Cancelled()


@dataclass(frozen=True)
class Progress:
    """What a status bar shows for a long op. ``total == 0``: amount unknown."""

    op_id: int
    label: str
    done: int = 0
    total: int = 0
    text: str = ""
    cancellable: bool = False


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False


class Op:
    """A unit of background work and what to do with its outcome.

    ``Op(fn, *args)`` is configured fluently and started with :meth:`run`.
    Keyword arguments for ``fn`` go through ``functools.partial``.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        kind: Kind = "replica",
        label: str = "",
    ) -> None:
        if kind not in ("replica", "network"):
            raise ValueError(f"unknown op kind {kind!r}")
        self.fn = fn
        self.args = args
        self.kind: Kind = kind
        self.label = label
        self.show_busy = True
        self.on_success: Callable[[Any], None] | None = None
        self.on_failure: Callable[[BaseException], None] | None = None
        self.on_progress: Callable[[Progress], None] | None = None
        self.owner: QObject | None = None

    def success(self, callback: Callable[[Any], None]) -> Op:
        """Call ``callback(result)`` on the GUI thread when ``fn`` returns."""
        self.on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op:
        """Call ``callback(exception)`` on the GUI thread if ``fn`` raises or
        the op is cancelled (:class:`Cancelled`). Without it, failures reach
        :attr:`TaskRunner.error` and cancellations are dropped quietly."""
        self.on_failure = callback
        return self

    def progress(self, callback: Callable[[Progress], None]) -> Op:
        """Call ``callback(Progress)`` on the GUI thread as ``fn`` reports."""
        self.on_progress = callback
        return self

    def owned_by(self, owner: QObject) -> Op:
        """Drop the callbacks if ``owner`` (the widget they update) is deleted
        before the op ends, e.g. a form closed while its data was read."""
        self.owner = owner
        return self

    def in_background(self) -> Op:
        """Never show the busy cursor or a progress display for this op."""
        self.show_busy = False
        return self

    def run(self, runner: TaskRunner) -> OpHandle:
        return runner.submit(self)


class OpHandle:
    """A submitted op: lets its owner cancel it or ask whether it is done."""

    def __init__(self, op: Op, op_id: int) -> None:
        self.op = op
        self.id = op_id
        self.token = CancelToken()
        self.submitted_at = time.monotonic()
        self.started = False
        self.done = False
        self.cancellable = _accepts(op.fn, "cancel")
        self.busy_shown = False
        self.progress_shown = False
        self.last_progress: Progress | None = None

    def cancel(self) -> None:
        """Ask the op to stop. If it has not started it never will; its result,
        if it still produces one, is discarded."""
        self.token.cancel()

    def __repr__(self) -> str:
        name = getattr(self.op.fn, "__qualname__", repr(self.op.fn))
        return f"<OpHandle {self.id} {name} {self.op.kind}>"


class _ReplicaThread(QThread):
    """Runs replica ops one after another, in the order they were queued."""

    def __init__(self, execute: Callable[[OpHandle], None]) -> None:
        super().__init__()
        self.setObjectName("fieldcrm-replica")
        self._execute = execute
        self.jobs: queue.SimpleQueue[OpHandle | None] = queue.SimpleQueue()

    def run(self) -> None:
        while (handle := self.jobs.get()) is not None:
            self._execute(handle)


class _NetworkJob(QRunnable):
    def __init__(self, execute: Callable[[OpHandle], None], handle: OpHandle) -> None:
        super().__init__()
        self._execute = execute
        self._handle = handle

    def run(self) -> None:
        self._execute(self._handle)


class TaskRunner(QObject):
    """Owns the replica thread and the network pool; lives on the GUI thread.

    Signals (all emitted on the GUI thread):

    * ``error(exception, handle)``: an op failed and had no failure callback,
      or one of its callbacks raised.
    * ``busy_changed(bool)``: the busy cursor was shown or taken away.
    * ``progress_changed(Progress | None)``: what a status bar should show;
      ``None`` when no long op is running.
    * ``op_finished(handle)``: an op's callbacks have run.
    """

    error = Signal(object, object)
    busy_changed = Signal(bool)
    progress_changed = Signal(object)
    op_finished = Signal(object)

    # Worker side -> GUI side. Queued: the receiver lives on the GUI thread.
    _delivered = Signal(object, bool, object)  # handle, ok, result-or-exception
    _reported = Signal(object, object)  # handle, Progress

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        network_threads: int = NETWORK_THREADS,
        busy_cursor_delay_ms: int = BUSY_CURSOR_DELAY_MS,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._running: dict[int, OpHandle] = {}
        self._busy_cursor_delay_ms = busy_cursor_delay_ms
        self._progress_delay_ms = progress_delay_ms
        self._busy_count = 0
        self._shown_progress: list[OpHandle] = []
        self._closed = False
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._reported.connect(self._report, Qt.ConnectionType.QueuedConnection)
        self._replica = _ReplicaThread(self._execute)
        self._replica.start()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(network_threads)

    # -- submitting -------------------------------------------------------

    def submit(self, op: Op) -> OpHandle:
        """Queue ``op``; prefer ``op.run(runner)``. Returns its handle."""
        if self._closed:
            raise RuntimeError("the task runner has been shut down")
        handle = OpHandle(op, next(self._ids))
        self._running[handle.id] = handle
        if op.show_busy:
            QTimer.singleShot(self._busy_cursor_delay_ms, self, lambda: self._show_busy(handle))
            QTimer.singleShot(self._progress_delay_ms, self, lambda: self._show_progress(handle))
        if op.kind == "replica":
            self._replica.jobs.put(handle)
        else:
            self._pool.start(_NetworkJob(self._execute, handle))
        return handle

    @property
    def closed(self) -> bool:
        """True once :meth:`shutdown` was called: no new ops are taken."""
        return self._closed

    @property
    def pending(self) -> int:
        """How many submitted ops have not yet delivered their outcome."""
        return len(self._running)

    def cancel_all(self) -> None:
        for handle in list(self._running.values()):
            handle.cancel()

    def is_replica_thread(self) -> bool:
        """True when called from the thread that runs replica ops."""
        return QThread.currentThread() is self._replica

    # -- worker side ------------------------------------------------------

    def _execute(self, handle: OpHandle) -> None:
        """Runs on a worker thread. Never touches widgets."""
        handle.started = True
        op = handle.op
        try:
            handle.token.raise_if_cancelled()
            kwargs: dict[str, Any] = {}
            if handle.cancellable:
                kwargs["cancel"] = handle.token
            if _accepts(op.fn, "progress"):
                kwargs["progress"] = self._progress_reporter(handle)
            result = op.fn(*op.args, **kwargs)
            handle.token.raise_if_cancelled()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            self._delivered.emit(handle, False, exc)
        else:
            self._delivered.emit(handle, True, result)

    def _progress_reporter(self, handle: OpHandle) -> Callable[..., None]:
        def progress(done: int, total: int = 0, text: str = "") -> None:
            state = Progress(handle.id, handle.op.label, done, total, text, handle.cancellable)
            self._reported.emit(handle, state)

        return progress

    # -- GUI side -----------------------------------------------------------

    def _deliver(self, handle: OpHandle, ok: bool, outcome: Any) -> None:
        if self._closed:  # the window is going away: no callbacks any more
            if not ok and not isinstance(outcome, Cancelled):
                log.error("background op %r failed at shutdown", handle, exc_info=outcome)
            return
        handle.done = True
        self._running.pop(handle.id, None)
        self._hide_feedback(handle)
        op = handle.op
        if op.owner is not None and not shiboken6.isValid(op.owner):
            self.op_finished.emit(handle)
            return  # the widget it was for is gone
        if ok and handle.token.cancelled:
            # Finished before the cancel but delivered after it: the owner has
            # moved on (e.g. a list re-queried its ids), so the result is stale.
            ok, outcome = False, Cancelled()
        try:
            if ok:
                if op.on_success is not None:
                    op.on_success(outcome)
            elif op.on_failure is not None:
                op.on_failure(outcome)
            elif not isinstance(outcome, Cancelled):
                self._unhandled(outcome, handle)
        except Exception as exc:  # a callback raised: report, never crash
            self._unhandled(exc, handle)
        self.op_finished.emit(handle)

    def _unhandled(self, exc: BaseException, handle: OpHandle) -> None:
        log.error("background op %r failed", handle, exc_info=exc)
        self.error.emit(exc, handle)

    def _report(self, handle: OpHandle, state: Progress) -> None:
        if handle.done:
            return
        handle.last_progress = state
        if handle.op.on_progress is not None:
            try:
                handle.op.on_progress(state)
            except Exception as exc:
                self._unhandled(exc, handle)
        if handle.progress_shown and self._shown_progress[0] is handle:
            self.progress_changed.emit(state)

    def _show_busy(self, handle: OpHandle) -> None:
        if handle.done or self._closed:
            return
        handle.busy_shown = True
        self._busy_count += 1
        if self._busy_count == 1:
            if isinstance(QCoreApplication.instance(), QGuiApplication):
                QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            self.busy_changed.emit(True)

    def _show_progress(self, handle: OpHandle) -> None:
        if handle.done or self._closed:
            return
        handle.progress_shown = True
        self._shown_progress.append(handle)
        if len(self._shown_progress) == 1:
            self.progress_changed.emit(self._progress_of(handle))

    def _progress_of(self, handle: OpHandle) -> Progress:
        if handle.last_progress is not None:
            return handle.last_progress
        label = handle.op.label or QCoreApplication.translate("TaskRunner", "Working…")
        return Progress(handle.id, label, cancellable=handle.cancellable)

    def _hide_feedback(self, handle: OpHandle) -> None:
        if handle.busy_shown:
            handle.busy_shown = False
            self._busy_count -= 1
            if self._busy_count == 0:
                if isinstance(QCoreApplication.instance(), QGuiApplication):
                    QGuiApplication.restoreOverrideCursor()
                self.busy_changed.emit(False)
        if handle.progress_shown:
            handle.progress_shown = False
            was_first = self._shown_progress[0] is handle
            self._shown_progress.remove(handle)
            if was_first:
                nxt = self._shown_progress[0] if self._shown_progress else None
                self.progress_changed.emit(None if nxt is None else self._progress_of(nxt))

    def cancel(self, op_id: int) -> None:
        """Cancel a running op by id, e.g. from a status bar's Cancel button."""
        handle = self._running.get(op_id)
        if handle is not None:
            handle.cancel()

    # -- shutdown -----------------------------------------------------------

    def shutdown(self, *, cancel_pending: bool = False) -> None:
        """Refuse new ops and wait for submitted work to finish.

        Replica ops already queued still run (they may be a user's last save)
        unless ``cancel_pending`` is set. Outcomes arriving after this point
        are not delivered to callbacks; failures are logged.
        """
        if self._closed:
            return
        self._closed = True
        if cancel_pending:
            self.cancel_all()
        self._replica.jobs.put(None)
        self._replica.wait()
        self._pool.waitForDone()
        for handle in list(self._running.values()):
            self._hide_feedback(handle)
        self._running.clear()
