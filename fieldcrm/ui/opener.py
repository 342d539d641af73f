"""Opens what the navigator asks for: the account 360° page or a record form.

Also carries the one-click "log a call / visit / note" actions, which open a
prefilled form for the account on screen.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Mapping, Optional

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow, QMessageBox

from fieldcrm.ui.context import AppContext

if TYPE_CHECKING:
    from fieldcrm.ui.forms.record_form import RecordForm


def _signed_in_user(replica) -> Optional[str]:
    return replica.get_state("user_id")


class RecordOpener(QObject):
    def __init__(self, ctx: AppContext, window: QMainWindow):
        super().__init__(window)
        self.ctx, self.window = ctx, window
        self.forms: list[RecordForm] = []
        ctx.navigator.open_record.connect(self.open_record)
        ctx.navigator.new_record.connect(self.new_record)
        ctx.navigator.edit_record.connect(self.edit_record)
        actions = window.actions
        actions.log_call.triggered.connect(lambda: self.log("call"))
        actions.log_note.triggered.connect(lambda: self.log("note"))
        actions.log_visit.triggered.connect(lambda: self.log("visit"))

    def open_record(self, entity: str, row_id: str) -> None:
        if entity == "account":
            self.window.show_page("account-360").show_account(row_id)
        else:
            self.edit_record(entity, row_id)

    def edit_record(self, entity: str, row_id: str) -> RecordForm:
        from fieldcrm.ui.forms.record_form import RecordForm

        return self._show_form(RecordForm(self.ctx, entity, row_id, parent=self.window))

    def new_record(self, entity: str, defaults: Optional[Mapping[str, Any]] = None) -> RecordForm:
        from fieldcrm.ui.forms.record_form import RecordForm

        return self._show_form(RecordForm(self.ctx, entity, None, defaults or {}, parent=self.window))

    def _show_form(self, form: RecordForm) -> RecordForm:
        self.forms.append(form)
        form.finished.connect(lambda _r, f=form: self._forget(f))
        form.show()
        form.raise_()
        return form

    def _forget(self, form: RecordForm) -> None:
        if form in self.forms:
            self.forms.remove(form)
        form.deleteLater()

    def current_account(self) -> tuple[Optional[str], str]:
        page = self.window.stack.currentWidget()
        account = getattr(page, "account", None)
        return (account["id"], account["name"]) if account else (None, "")

    def log(self, kind: str) -> None:
        """A form for a call, note or visit, filled in for the account on screen
        and owned by whoever is signed in (read on the replica thread)."""
        account_id, name = self.current_account()
        self.ctx.call(_signed_in_user, done=lambda me: self._log_form(kind, account_id, name, me))

    def _log_form(self, kind: str, account_id: Optional[str], name: str, me: Optional[str]) -> RecordForm:
        now = dt.datetime.now().astimezone().replace(second=0, microsecond=0)
        defaults: dict[str, Any] = {"account_id": account_id, "account_name": name, "owner_id": me}
        if kind == "visit":
            defaults.update(status="done", planned_start=now.isoformat(),
                            planned_end=(now + dt.timedelta(hours=1)).isoformat())
            return self.new_record("visit", defaults)
        defaults.update(kind=kind, done=kind == "note", due_at=now.isoformat())
        return self.new_record("activity", defaults)

    def show_error(self, exc: BaseException) -> None:
        from fieldcrm.services.records import NotFound
        from fieldcrm.storage.validation import ValidationError

        if isinstance(exc, ValidationError):
            text = exc.summary()
        elif isinstance(exc, NotFound):
            text = self.tr("That record is no longer on this laptop.")
        else:
            text = str(exc) or type(exc).__name__
        QMessageBox.warning(self.window, self.tr("fieldcrm"), text)
