"""Connects the window's sync actions and status bar to the sync controller."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMainWindow

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.sync_controller import SyncController


class SyncUi(QObject):
    def __init__(self, ctx: AppContext, window: QMainWindow, controller: Optional[SyncController] = None):
        super().__init__(window)
        self.ctx, self.window = ctx, window
        self.controller = controller or SyncController(ctx, self)
        ctx.sync = self.controller
        self.center = None
        bar = window.statusBar()
        actions = window.actions
        actions.sync.triggered.connect(self.sync_or_sign_in)
        actions.sync_center.triggered.connect(self.show_center)
        actions.sign_in.triggered.connect(lambda: self.sign_in())
        self.controller.state_changed.connect(self._state_changed)
        self.controller.progress.connect(bar.show_sync_progress)
        self.controller.round_finished.connect(lambda _s: bar.hide_sync_progress())
        bar.online.linkActivated.connect(lambda _l: self.sign_in(
            self.tr("Your sign-in has ended. Sign in again to send your changes.")
            if self.controller.state == "sign_in_again" else ""))

    def start(self) -> None:
        self.controller.start()

    def sync_or_sign_in(self) -> None:
        if self.controller.state in ("signed_out", "sign_in_again"):
            self.sign_in()
        else:
            self.controller.sync_now()

    def sign_in(self, reason: str = "") -> QDialog:
        from fieldcrm.ui.sign_in import SignInDialog

        dialog = SignInDialog(self.ctx, self.controller, reason=reason, parent=self.window)
        dialog.accepted.connect(self.controller.signed_in)
        dialog.show()
        self.dialog = dialog
        return dialog

    def show_center(self) -> QDialog:
        from fieldcrm.ui.sync_center import SyncCenter

        if self.center is None:
            self.center = SyncCenter(self.ctx, self.controller, self.window)
        self.center.reload()
        self.center.show()
        self.center.raise_()
        return self.center

    def _state_changed(self, state: str, detail: str) -> None:
        bar = self.window.statusBar()
        bar.set_online_state(state, detail)
        sync = self.window.actions.sync
        signed_out = state in ("signed_out", "sign_in_again")
        sync.setText(self.tr("Sign in…") if signed_out else self.tr("S&ync now"))
        sync.setEnabled(state not in ("syncing", "checking"))
