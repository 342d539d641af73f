"""Small text helpers shared by the views."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def counted(context: str, one: str, many: str, n: int) -> str:
    """'1 change to send' / '3 changes to send': both forms go through translation
    (languages with more plural forms get them from their .ts file's numerus entries)."""
    text = QCoreApplication.translate(context, one if n == 1 else many, "", n)
    return text.replace("%n", f"{n:,}")
