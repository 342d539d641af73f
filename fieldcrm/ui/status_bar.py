"""The window's status bar: online state, pending changes, last sync, Sync."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

from fieldcrm.ui.changes import Change
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.formats import when
from fieldcrm.ui.runner import Progress
from fieldcrm.ui.text import counted

PENDING = (QT_TRANSLATE_NOOP("AppStatusBar", "%n change to send"),
           QT_TRANSLATE_NOOP("AppStatusBar", "%n changes to send"))
TO_REVIEW = (QT_TRANSLATE_NOOP("AppStatusBar", "%n to review"), QT_TRANSLATE_NOOP("AppStatusBar", "%n to review"))

#: Re-read the counts at least this often (a sync in another process).
REFRESH_MS = 30_000


class AppStatusBar(QStatusBar):
    """Shows what the sync controller and the replica say; never blocks."""

    def __init__(self, ctx: AppContext, sync_action, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.online = QLabel(objectName="online-state")
        self.pending = QLabel(objectName="pending-count")
        self.problems = QLabel(objectName="sync-problems")
        self.last_sync = QLabel(objectName="last-sync")
        self.progress = QProgressBar(objectName="sync-progress", maximumWidth=160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.sync_button = QToolButton(objectName="sync-button")
        self.sync_button.setDefaultAction(sync_action)
        for widget in (self.online, self.pending, self.problems, self.last_sync):
            self.addPermanentWidget(widget)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.sync_button)
        self.pending_count = None
        self.set_online_state("offline", "")
        ctx.bus.subscribe(Change.SYNC, lambda _c: self.refresh(), owner=self)
        ctx.runner.progress_changed.connect(self._runner_progress)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        if ctx.replica is not None:  # else the window refreshes it once the replica is open
            self.refresh()

    def refresh(self) -> None:
        from fieldcrm.services.status import replica_status

        self.ctx.call(replica_status, done=self._show_status)

    def _show_status(self, status: dict) -> None:
        self.pending_count = status["pending"]
        self.pending.setText(counted("AppStatusBar", *PENDING, status["pending"]))
        issues = status["parked"] + status["conflicts"]
        self.problems.setText(counted("AppStatusBar", *TO_REVIEW, issues) if issues else "")
        self.problems.setVisible(bool(issues))
        stamp = when(status["last_sync"]) if status["last_sync"] else self.tr("never")
        self.last_sync.setText(self.tr("Last sync: %1").replace("%1", stamp))

    def set_online_state(self, state: str, detail: str) -> None:
        """``state``: online, offline (as the last round or ``/health`` probe saw
        the server), syncing, checking, signed_out, sign_in_again."""
        texts = {
            "online": self.tr("● Online"),
            "offline": self.tr("○ Offline"),
            "syncing": self.tr("⟳ Syncing…"),
            "checking": self.tr("○ Checking sign-in…"),
            "signed_out": self.tr("○ Not signed in — <a href='sign-in'>Sign in</a>"),
            "sign_in_again": self.tr("⚠ <a href='sign-in'>Sign in again</a>"),
        }
        self.online.setText(texts.get(state, state))
        self.online.setToolTip(detail)
        self.online.setProperty("state", state)

    def show_sync_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.show()

    def hide_sync_progress(self) -> None:
        self.progress.hide()

    def _runner_progress(self, state: Progress | None) -> None:
        if state is None:
            self.clearMessage()
        else:
            self.showMessage(state.text or state.label)
