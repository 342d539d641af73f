"""The visit report asked at check-out, written offline and sent with the next sync."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class VisitReportDialog(QDialog):
    def __init__(self, account_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("visit-report")
        self.setWindowTitle(self.tr("Visit report"))
        self.text = QPlainTextEdit(objectName="report-text")
        self.text.setPlaceholderText(self.tr("What was discussed, what was agreed, next steps…"))
        self.text.setTabChangesFocus(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{account_name}</b>"))
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def report(self) -> str:
        return self.text.toPlainText().strip()
