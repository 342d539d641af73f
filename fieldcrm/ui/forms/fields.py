"""One editor per field kind, made from the field's metadata (``fields_of``).

Every editor shows a value in its stored (plain) form and gives back what a
person typed, as text the services coerce and check. ``dirty`` says whether
the person changed it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from fieldcrm.services.view_forms import find_to_link
from fieldcrm.storage.registry import REFERENCES, FieldInfo
from fieldcrm.storage.types import parse_timestamp
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.labels import value_label

LINKS = {**REFERENCES, "owner_id": "user", "technician_id": "user", "manager_id": "user"}
LONG_TEXT = {"notes", "objective", "report", "problem", "resolution", "next_step", "lost_reason",
             "manager_comment", "note"}


def local_time_text(value: Any) -> str:
    if not value:
        return ""
    return parse_timestamp(str(value)).astimezone().strftime("%Y-%m-%d %H:%M")


def stored_time(text: str) -> Optional[str]:
    """'2026-05-04 14:30' in local time → an ISO instant the service accepts."""
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # the service names the expected form
    if value.tzinfo is None:
        value = value.astimezone()
    return value.isoformat()


class FieldEditor(QObject):
    """Wraps one widget: ``set(value)``, ``value()``, ``dirty``, ``edited``."""

    edited = Signal()

    def __init__(self, info: FieldInfo, widget: QWidget):
        super().__init__(widget)
        self.info, self.widget = info, widget
        self.widget.setObjectName(f"field-{info.name}")
        self._initial = ""

    def set(self, value: Any) -> None:
        self._show(value)
        self._initial = self.text()

    @property
    def dirty(self) -> bool:
        return self.text() != self._initial

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)

    # subclasses
    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def text(self) -> str:
        raise NotImplementedError

    def value(self) -> Any:
        return self.text()


class LineEditor(FieldEditor):
    def __init__(self, info: FieldInfo):
        super().__init__(info, QLineEdit())
        self.widget.textEdited.connect(lambda _t: self.edited.emit())
        hints = {"date": "YYYY-MM-DD", "timestamp": "YYYY-MM-DD HH:MM",
                 "decimal": "0.00", "int": "0", "float": "0.0"}
        self.widget.setPlaceholderText(hints.get(info.kind, ""))
        if info.max_length:
            self.widget.setMaxLength(info.max_length)

    def _show(self, value: Any) -> None:
        self.widget.setText(local_time_text(value) if self.info.kind == "timestamp"
                            else "" if value is None else str(value))

    def text(self) -> str:
        return self.widget.text()

    def value(self) -> Any:
        text = self.text().strip()
        if self.info.kind == "timestamp":
            return stored_time(text)
        return text or None


class TextEditor(FieldEditor):
    def __init__(self, info: FieldInfo):
        super().__init__(info, QPlainTextEdit())
        self.widget.setTabChangesFocus(True)
        self.widget.setFixedHeight(64)
        self.widget.textChanged.connect(self.edited.emit)

    def _show(self, value: Any) -> None:
        self.widget.setPlainText("" if value is None else str(value))

    def text(self) -> str:
        return self.widget.toPlainText()

    def value(self) -> Any:
        return self.text().strip() or None


class BoolEditor(FieldEditor):
    def __init__(self, info: FieldInfo):
        super().__init__(info, QCheckBox())
        self.widget.toggled.connect(lambda _b: self.edited.emit())

    def _show(self, value: Any) -> None:
        self.widget.setChecked(bool(value))

    def text(self) -> str:
        return "yes" if self.widget.isChecked() else "no"

    def value(self) -> Any:
        return self.widget.isChecked()


class ChoiceEditor(FieldEditor):
    """Shows each choice by its label; gives back the stored value."""

    def __init__(self, info: FieldInfo, entity: str, allowed: Optional[tuple[str, ...]] = None):
        super().__init__(info, QComboBox())
        self.entity = entity
        if info.nullable:
            self.widget.addItem("", None)
        for choice in allowed or info.choices or ():
            self.widget.addItem(value_label(entity, info.name, choice), choice)
        self.widget.currentIndexChanged.connect(lambda _i: self.edited.emit())

    def _show(self, value: Any) -> None:
        index = self.widget.findData(value)
        if index < 0 and value is not None:
            self.widget.addItem(value_label(self.entity, self.info.name, value), value)
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(max(0, index))

    def text(self) -> str:
        return str(self.widget.currentData() or "")

    def value(self) -> Any:
        return self.widget.currentData()


class LinkEditor(FieldEditor):
    """Pick a linked record (an account, a contact, a user) by typing its name."""

    def __init__(self, info: FieldInfo, ctx: AppContext, target: str):
        super().__init__(info, QComboBox())
        self.ctx, self.target = ctx, target
        self.widget.setEditable(True)
        self.widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.widget.lineEdit().setPlaceholderText(self.tr("Type to find…"))
        self._typing = QTimer(self, singleShot=True, interval=200)
        self._typing.timeout.connect(self._find)
        self.widget.lineEdit().textEdited.connect(lambda _t: self._typing.start())
        self.widget.currentIndexChanged.connect(lambda _i: self.edited.emit())
        if target == "user":
            self.ctx.call(find_to_link, target, "", done=self._fill_keep)

    def show_named(self, row_id: Optional[str], name: str) -> None:
        self.widget.clear()
        if row_id:
            self.widget.addItem(name or row_id, row_id)
        self.widget.setCurrentIndex(0 if row_id else -1)
        self._initial = self.text()

    def _show(self, value: Any) -> None:
        self.show_named(value, "")

    def _find(self) -> None:
        text = self.widget.currentText()
        self.ctx.call(find_to_link, self.target, text, done=lambda rows, t=text: self._fill(t, rows))

    def _fill(self, text: str, rows: list[tuple[str, str]]) -> None:
        if text != self.widget.currentText():
            return
        self.widget.blockSignals(True)
        self.widget.clear()
        for row_id, title in rows:
            self.widget.addItem(title, row_id)
        self.widget.setCurrentIndex(-1)
        self.widget.setEditText(text)
        self.widget.blockSignals(False)
        if rows:
            self.widget.showPopup()

    def _fill_keep(self, rows: list[tuple[str, str]]) -> None:
        current = self.widget.currentData()
        self.widget.blockSignals(True)
        for row_id, title in rows:
            if self.widget.findData(row_id) < 0:
                self.widget.addItem(title, row_id)
        self.widget.setCurrentIndex(self.widget.findData(current) if current else -1)
        self.widget.blockSignals(False)

    def text(self) -> str:
        return str(self.value() or "")

    def value(self) -> Any:
        index = self.widget.currentIndex()
        if index < 0 or self.widget.itemText(index) != self.widget.currentText():
            return None
        return self.widget.itemData(index)


def make_editor(ctx: AppContext, entity: str, info: FieldInfo, allowed=None) -> FieldEditor:
    if info.name in LINKS:
        return LinkEditor(info, ctx, LINKS[info.name])
    if info.choices:
        return ChoiceEditor(info, entity, allowed)
    if info.kind == "bool":
        return BoolEditor(info)
    if info.kind == "text" and (info.name in LONG_TEXT or info.max_length is None):
        return TextEditor(info)
    return LineEditor(info)
