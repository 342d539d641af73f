"""Small text helpers shared by the views."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from fieldcrm.ui.formats import number

#: How a message about something that went wrong is shown (forms, panels, dialogs).
ERROR_STYLE = "color: #b3261e;"


def show_message(label: QLabel, text: str, error: bool = False) -> None:
    """A panel's one-line message: red when something went wrong, hidden when empty."""
    label.setStyleSheet(ERROR_STYLE if error else "")
    label.setText(text)
    label.setVisible(bool(text))


def counted(context: str, one: str, many: str, n: int) -> str:
    """'1 change to send' / '3 changes to send'. Both forms are translated as
    plain strings (mark them with ``QT_TRANSLATE_NOOP`` so the extractor finds
    them); ``n`` is not passed to Qt, whose plural lookup would look for numerus
    forms the Python extractor does not write."""
    text = QCoreApplication.translate(context, one if n == 1 else many)
    return text.replace("%n", number(n))
