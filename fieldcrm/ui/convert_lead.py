"""Convert a lead: the box that makes it an account, a contact and a deal.

Opened from the Leads list (*Convert…*, Alt+C) on the selected lead. The box
stays open while the laptop writes, and shows the reason under the fields
when the conversion is refused (already converted, disqualified, an amount
that is not a number), with nothing written; on success it closes and the
new account's page opens.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget,
)

from fieldcrm.ui.changes import Change
from fieldcrm.ui.text import show_message

CONVERTED = Change.LEADS | Change.ACCOUNTS | Change.CONTACTS | Change.OPPORTUNITIES | Change.PIPELINE


def _convert(replica, lead_id: str, deal_name: Optional[str], amount: Optional[str]):
    from fieldcrm.services.leads import convert_lead

    return convert_lead(replica, lead_id, deal_name=deal_name, amount=amount)


def _lead(replica, lead_id: str) -> dict[str, Any]:
    from fieldcrm.services.records import RecordService

    return RecordService(replica).get("lead", lead_id)


class ConvertLeadDialog(QDialog):
    """``converted(Converted)`` once the lead is an account."""

    converted = Signal(object)

    def __init__(self, ctx, lead: dict[str, Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.lead = ctx, lead
        self.setObjectName("convert-lead")
        self.setWindowTitle(self.tr("Convert lead"))
        self.setMinimumWidth(420)
        company = lead["company"]
        person = (lead.get("contact_name") or "").strip()
        intro = (self.tr("%1 becomes an account, with %2 as its contact.").replace("%1", company).replace("%2", person)
                 if person else self.tr("%1 becomes an account.").replace("%1", company))
        self.with_deal = QCheckBox(self.tr("Also open a &deal"), objectName="convert-with-deal", checked=True)
        self.deal_name = QLineEdit(company, objectName="convert-deal-name")
        self.amount = QLineEdit(objectName="convert-amount", placeholderText=self.tr("e.g. 12500.00"))
        self.with_deal.toggled.connect(self.deal_name.setEnabled)
        self.with_deal.toggled.connect(self.amount.setEnabled)
        self.message = QLabel(objectName="convert-message", wordWrap=True, visible=False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.convert_button = self.buttons.addButton(self.tr("&Convert"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.convert_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(intro, wordWrap=True))
        form.addRow(self.with_deal)
        form.addRow(self.tr("Deal &name:"), self.deal_name)
        form.addRow(self.tr("&Amount:"), self.amount)
        form.addRow(self.message)
        form.addRow(self.buttons)

    def accept(self) -> None:
        """Convert on the replica thread; the box closes only when it worked."""
        deal = self.deal_name.text().strip() if self.with_deal.isChecked() else None
        if self.with_deal.isChecked() and not deal:
            show_message(self.message, self.tr("Give the deal a name, or untick “Also open a deal”."), error=True)
            return
        self.convert_button.setEnabled(False)
        show_message(self.message, self.tr("Converting…"))
        amount = (self.amount.text().strip() or None) if deal else None
        self.ctx.call(_convert, self.lead["id"], deal, amount, done=self._done, failed=self._failed,
                      label=self.tr("Converting lead…"), owner=self)

    def _done(self, result) -> None:
        self.ctx.bus.changed_data(CONVERTED)
        self.converted.emit(result)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        from fieldcrm.storage.validation import ValidationError

        self.convert_button.setEnabled(True)
        text = exc.summary() if isinstance(exc, ValidationError) else str(exc) or type(exc).__name__
        show_message(self.message, self.tr("Not converted: %1").replace("%1", text), error=True)


def ask_to_convert(ctx, parent: QWidget, lead: dict[str, Any], then: Optional[Callable[[], None]] = None):
    """Open the box for ``lead``; once converted, ``then()`` and the account's page opens."""
    dialog = ConvertLeadDialog(ctx, lead, parent)

    def converted(done) -> None:
        if then is not None:
            then()
        ctx.navigator.open_record.emit("account", done.account_id)

    dialog.converted.connect(converted)
    dialog.open()
    return dialog


def convert_selected(ctx, parent: QWidget, lead_id: Optional[str]) -> None:
    """Read the selected lead, then ask how to convert it."""
    if lead_id is not None:
        ctx.call(_lead, lead_id, done=lambda lead: ask_to_convert(ctx, parent, lead), owner=parent)
