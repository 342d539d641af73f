"""Asked when a deal is won or lost: why, and on which day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QWidget,
)


class CloseDealDialog(QDialog):
    """Reason and close date for a deal going to won or lost.

    The dialog does not judge the answer: the pipeline service does, and the
    board shows its message when it refuses.
    """

    def __init__(self, deal_name: str, stage: str, parent: QWidget | None = None, *,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("close-deal")
        won = stage == "won"
        self.setWindowTitle(self.tr("Deal won") if won else self.tr("Deal lost"))
        self.reason = QPlainTextEdit(objectName="reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("What made the customer decide for us?") if won
                                       else self.tr("Price, timing, a competitor…"))
        self.reason.setFixedHeight(80)
        self.close_date = QDateEdit(QDate(today) if today else QDate.currentDate(), objectName="close-date", calendarPopup=True)
        self.close_date.setDisplayFormat("yyyy-MM-dd")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{deal_name}</b>"))
        form.addRow(self.tr("&Reason:"), self.reason)
        form.addRow(self.tr("&Closed on:"), self.close_date)
        form.addRow(buttons)

    def values(self) -> tuple[str, dt.date]:
        return self.reason.toPlainText().strip(), self.close_date.date().toPython()
