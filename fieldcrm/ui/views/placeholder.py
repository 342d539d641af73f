"""A page whose view is still to come: says so plainly, never looks broken."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    def __init__(self, title: str, explanation: str, parent: QWidget | None = None):
        super().__init__(parent)
        heading = QLabel(f"<h2>{title}</h2>", alignment=Qt.AlignmentFlag.AlignCenter)
        body = QLabel(explanation, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        body.setObjectName("placeholder-text")
        body.setFixedWidth(520)
        body.setMinimumHeight(body.heightForWidth(520))
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(heading)
        layout.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()
