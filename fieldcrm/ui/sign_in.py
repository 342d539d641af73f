"""The sign-in dialog: server address (from the site configuration), user, password.

The password goes to the server once; what is kept is the device token, in
the OS keyring (``fieldcrm.sync.credentials``), never in a file of ours.
Who signed in last (to fill in the server and user name) is read on the
replica thread; the fields stay editable meanwhile, and a sign-in asked for
before that answer arrives goes ahead once it has.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from fieldcrm.ui.context import AppContext
from fieldcrm.ui.runner import Op


class SignInDialog(QDialog):
    """``controller``: the window's :class:`~fieldcrm.ui.sync_controller.SyncController`."""

    def __init__(self, ctx: AppContext, controller, *, reason: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.controller = ctx, controller
        self.account_checked = False
        self._sign_in_asked = False
        self.setObjectName("sign-in")
        self.setWindowTitle(self.tr("Sign in to fieldcrm"))
        site_url = getattr(ctx.site, "server_url", None) or ""
        self.server = QLineEdit(site_url, objectName="server-url")
        locked = "server_url" in getattr(ctx.site, "locked", ())
        self.server.setReadOnly(locked)
        self.username = QLineEdit(objectName="username")
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self.reason = QLabel(reason, objectName="reason", wordWrap=True)
        self.reason.setVisible(bool(reason))
        self.error = QLabel(objectName="error", wordWrap=True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Your password is sent to the server once; this laptop keeps "
                                        "only a sign-in token, in the system's key store."),
                                wordWrap=True))
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.username.setFocus()
        controller.account_known.connect(self._show_account)
        controller.check_account()

    @property
    def service(self):
        return self.controller.service

    def _show_account(self, account) -> None:
        """Fill in who signed in last, unless the person has typed there already."""
        self.controller.account_known.disconnect(self._show_account)
        self.account_checked = True
        if account is not None:
            if not self.server.text() or not self.server.isModified():
                self.server.setText(account.server_url)
            if not self.username.text():
                self.username.setText(account.username)
                if self.username.hasFocus():
                    self.password.setFocus()
        if self.service is None:
            self._show_error(self.tr("Signing in is not possible on this laptop: no secure key "
                                     "store is available. Ask IT to set one up."))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        elif self._sign_in_asked:
            self.sign_in()

    def sign_in(self) -> None:
        server, user, password = self.server.text().strip(), self.username.text().strip(), self.password.text()
        if not server or not user or not password:
            self._show_error(self.tr("Enter the server, your user name and your password."))
            return
        self.error.hide()
        self.buttons.setEnabled(False)
        if not self.account_checked:
            self._sign_in_asked = True  # goes ahead when the sign-in check answers
            return
        Op(self.service.login, server, user, password, kind="network", label=self.tr("Signing in…")) \
            .success(lambda _account: self.accept()) \
            .failure(self._failed) \
            .run(self.ctx.runner)

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self._show_error(str(exc) or type(exc).__name__)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
