"""The form to create or edit any record, built from the field metadata.

Problems the services report (``ValidationError.errors``) appear beside the
field they concern; nothing is saved until every field is acceptable.
Closing with unsaved changes asks first.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QScrollArea, QVBoxLayout,
    QWidget,
)

from fieldcrm.services.view_forms import LINES, allowed_statuses, form_fields
from fieldcrm.services.views import LINKED_NAMES, record_with_names
from fieldcrm.storage.registry import entity_class, fields_of
from fieldcrm.storage.service import ATTACHABLE
from fieldcrm.storage.validation import ValidationError
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import entity_noun
from fieldcrm.ui.forms.field_names import field_label
from fieldcrm.ui.forms.fields import FieldEditor, LinkEditor, make_editor
from fieldcrm.ui.labels import value_label
from fieldcrm.ui.text import ERROR_STYLE, show_message


class RecordForm(QDialog):
    """``saved(row)`` after a successful save; the dialog then closes."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, entity: str, row_id: Optional[str] = None,
                 defaults: Optional[Mapping[str, Any]] = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.entity, self.row_id = ctx, entity, row_id
        self.setObjectName(f"form-{entity}")
        self.setModal(False)
        noun = entity_noun(entity)
        self.setWindowTitle(self.tr("New %1").replace("%1", noun) if row_id is None
                            else self.tr("Edit %1").replace("%1", noun))
        self.editors: dict[str, FieldEditor] = {}
        self.errors: dict[str, QLabel] = {}
        self._saving = False
        self.row: dict[str, Any] = {}

        fields = fields_of(entity)
        cls = entity_class(entity)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in form_fields(entity, creating=row_id is None):
            info = fields[name]
            allowed = allowed_statuses(entity, (defaults or {}).get(name)) if name == "status" else None
            editor = make_editor(ctx, entity, info, allowed)
            editor.edited.connect(lambda n=name: self._clear_error(n))
            label = field_label(name) + (" *" if info.required else "")
            if info.server_owned:
                editor.set_read_only(True)
                label += " " + self.tr("(from the ERP)")
            error = QLabel(objectName=f"error-{name}")
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(editor.widget)
            box.addWidget(error)
            form.addRow(label, box)
            self.editors[name], self.errors[name] = editor, error
        self.general_error = QLabel(objectName="error-general", wordWrap=True)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.hide()

        holder = QWidget()
        column = QVBoxLayout(holder)
        column.addLayout(form)
        column.addStretch(1)  # spare height below the fields, never inside a message
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(holder)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.convert_button = None
        if entity == "lead" and row_id is not None:
            self.convert_button = self.buttons.addButton(self.tr("&Convert…"), QDialogButtonBox.ButtonRole.ActionRole)
            self.convert_button.setObjectName("convert-lead")
            self.convert_button.setAutoDefault(False)
            self.convert_button.clicked.connect(self._convert)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h3>{self.windowTitle()}</h3>"))
        layout.addWidget(scroll, 1)
        self.lines = None
        if entity in LINES:
            from fieldcrm.ui.forms.lines import LinesEditor

            self.lines = LinesEditor(ctx, entity, row_id, self)
            layout.addWidget(self.lines, 1)
        self.attachments = None
        if row_id is not None and entity in ATTACHABLE:
            from fieldcrm.ui.forms.attachments import AttachmentsPanel

            self.attachments = AttachmentsPanel(ctx, entity, row_id, self)
            layout.addWidget(self.attachments)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(560, 720 if self.lines or self.attachments else 640)
        self._cls = cls

        if row_id is None:
            self._fill(dict(defaults or {}))
        else:
            self.setEnabled(False)
            ctx.call(record_with_names, entity, row_id, done=self._loaded, failed=self._load_failed,
                     owner=self)

    # -- loading ----------------------------------------------------------------

    def _loaded(self, row: dict) -> None:
        self.row = row
        if "status" in self.editors and allowed_statuses(self.entity, None) is not None:
            self._replace_status(row.get("status"))  # a workflow: what follows the stored status
        self._fill(row)
        self.setEnabled(True)

    def _replace_status(self, current: Optional[str]) -> None:
        allowed = allowed_statuses(self.entity, current)
        combo = self.editors["status"].widget
        combo.blockSignals(True)
        combo.clear()
        for choice in allowed or ():
            combo.addItem(value_label(self.entity, "status", choice), choice)
        combo.blockSignals(False)

    def _fill(self, values: Mapping[str, Any]) -> None:
        for name, editor in self.editors.items():
            if isinstance(editor, LinkEditor):
                key = next((k for f, (_e, k) in LINKED_NAMES.items() if f == name), None)
                editor.show_named(values.get(name), values.get(key or "", "") or values.get(f"{name}_title", ""))
            elif name in values or self.row_id is not None:
                editor.set(values.get(name))
            else:
                editor.set(self._default_of(name))

    def _default_of(self, name: str) -> Any:
        column = self._cls.__table__.columns[name]
        return column.default.arg if column.default is not None and column.default.is_scalar else None

    def _load_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self.show_errors({"": str(exc)})

    # -- saving -------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return any(e.dirty for e in self.editors.values()) or bool(self.lines and self.lines.dirty)

    def values(self) -> dict[str, Any]:
        """What to send: every filled field for a new record, changed ones for an edit."""
        out = {}
        for name, editor in self.editors.items():
            if editor.info.server_owned:
                continue
            if self.row_id is None:
                value = editor.value()
                if value is not None or editor.info.required:
                    out[name] = value
            elif editor.dirty:
                out[name] = editor.value()
        return out

    def save(self) -> None:
        if self._saving:
            return
        self.show_errors({})
        values = self.values()
        if self.row_id is not None and not values:
            if self.lines and self.lines.dirty:
                self._save_lines(self.row)
            else:
                self.accept()
            return
        self._saving = True
        self.buttons.setEnabled(False)
        self.ctx.edits.save(self.entity, self.row_id, values, done=self._saved,
                            failed=self._save_failed, source=self)

    def _saved(self, row: dict) -> None:
        self.row, self.row_id = row, row["id"]
        if self.lines and self.lines.dirty:
            self._save_lines(row)
            return
        self._finish(row)

    def _save_lines(self, row: dict) -> None:
        self.lines.save(row["id"], done=lambda: self._finish(row), failed=self._save_failed)

    def _finish(self, row: dict) -> None:
        self._saving = False
        self.saved.emit(row)
        self.done(QDialog.DialogCode.Accepted)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
        else:
            self.show_errors({"": str(exc)})

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message beside its field (others below the form)."""
        general = []
        for name, label in self.errors.items():
            label.setVisible(name in errors)
            label.setText(self.tr(errors.get(name, "")))
        for name, message in errors.items():
            if name not in self.errors:
                general.append(f"{field_label(name)}: {message}" if name else message)
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
        first = next((n for n in self.editors if n in errors), None)
        if first:
            self.editors[first].widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_error(self, name: str) -> None:
        self.errors[name].hide()

    # -- closing ------------------------------------------------------------------

    def _convert(self) -> None:
        """Convert the lead as stored; the form closes once it is an account."""
        if self.dirty:
            show_message(self.general_error, self.tr("Save your changes first, then convert the lead."), error=True)
            return
        from fieldcrm.ui.convert_lead import ask_to_convert

        ask_to_convert(self.ctx, self, self.row, then=self.accept)

    def reject(self) -> None:
        if self.dirty and not self._saving:
            answer = QMessageBox.question(
                self, self.tr("Unsaved changes"),
                self.tr("This %1 has changes that are not saved. Save them?").replace(
                    "%1", entity_noun(self.entity)),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save:
                self.save()
                return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.dirty and not self._saving and self.result() != QDialog.DialogCode.Accepted:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
