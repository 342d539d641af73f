"""Edit ▸ Preferences… (Ctrl+,): the settings a person changes for themselves.

Language, when to sync, and the working day the schedule plans and checks
(``routing/*``). Each field shows the current value; a setting the
organisation's site file fixes is shown greyed out with the reason. Nothing is
stored until OK, and nothing at all while a field is wrong (the reason shows
under it). *Restore Defaults* fills in the defaults, to be stored with OK.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTime
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGroupBox,
    QLabel, QSpinBox, QTimeEdit, QVBoxLayout, QWidget,
)

from fieldcrm.ui.settings import Settings
from fieldcrm.ui.text import show_message

# (code, name): the languages the app has translations for; the names are
# written in their own language, as a person looks for theirs.
LANGUAGES = (("", QT_TRANSLATE_NOOP("Preferences", "As the system")), ("en", "English"), ("de", "Deutsch"))

_TIME = "HH:mm"


def _tr(text: str) -> str:
    return QCoreApplication.translate("Preferences", text)


class PreferencesDialog(QDialog):
    """Shows ``prefs`` and writes the changed values on OK."""

    def __init__(self, prefs: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.prefs = prefs
        self.setObjectName("preferences")
        self.setWindowTitle(self.tr("Preferences"))
        #: setting name -> (its widget, read the widget, show a value in it)
        self._fields: dict[str, tuple[QWidget, Callable[[], Any], Callable[[Any], None]]] = {}

        self.language = QComboBox(objectName="pref-language")
        for code, name in LANGUAGES:
            self.language.addItem(_tr(name) if code == "" else name, code)
        self.language_note = QLabel(self.tr("A new language shows the next time fieldcrm starts."),
                                    objectName="pref-language-note", wordWrap=True)
        self._field("ui/language", self.language, self.language.currentData, self._show_language)

        self.interval = QSpinBox(objectName="pref-interval", minimum=1, maximum=1440)
        self.interval.setSuffix(self.tr(" min"))
        self._field("sync/interval_minutes", self.interval, self.interval.value, self.interval.setValue)
        self.on_reconnect = QCheckBox(self.tr("Sync as soon as the &network is back"),
                                      objectName="pref-on-reconnect")
        self._field("sync/on_reconnect", self.on_reconnect, self.on_reconnect.isChecked,
                    self.on_reconnect.setChecked)

        self.day_start = QTimeEdit(objectName="pref-day-start", displayFormat=_TIME)
        self.day_end = QTimeEdit(objectName="pref-day-end", displayFormat=_TIME)
        for name, box in (("routing/day_start", self.day_start), ("routing/day_end", self.day_end)):
            self._field(name, box, lambda b=box: b.time().toString(_TIME),
                        lambda v, b=box: b.setTime(QTime.fromString(str(v), _TIME)))
        self.hours_error = QLabel(objectName="pref-hours-error", wordWrap=True, visible=False)
        self.day_start.timeChanged.connect(self._check_hours)
        self.day_end.timeChanged.connect(self._check_hours)
        self.speed = QDoubleSpinBox(objectName="pref-speed", minimum=5, maximum=150, decimals=0, singleStep=5)
        self.speed.setSuffix(self.tr(" km/h"))
        self._field("routing/average_speed_kmh", self.speed, self.speed.value, self.speed.setValue)
        self.road_factor = QDoubleSpinBox(objectName="pref-road-factor", minimum=1, maximum=3,
                                          decimals=2, singleStep=0.05)
        self.road_factor.setToolTip(self.tr("How much longer the road is than a straight line: "
                                            "1.30 means a 10 km crow-flight distance is driven as 13 km"))
        self._field("routing/road_factor", self.road_factor, self.road_factor.value, self.road_factor.setValue)

        general = QGroupBox(self.tr("General"))
        form = QFormLayout(general)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow("", self.language_note)
        sync = QGroupBox(self.tr("Sync"))
        form = QFormLayout(sync)
        form.addRow(self.tr("Sync &every:"), self.interval)
        form.addRow("", self.on_reconnect)
        day = QGroupBox(self.tr("Working day (schedule and route planning)"))
        form = QFormLayout(day)
        form.addRow(self.tr("&Starts at:"), self.day_start)
        form.addRow(self.tr("E&nds at:"), self.day_end)
        form.addRow("", self.hours_error)
        form.addRow(self.tr("Average &driving speed:"), self.speed)
        form.addRow(self.tr("&Road factor:"), self.road_factor)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        for box in (general, sync, day):
            layout.addWidget(box)
        layout.addWidget(self.buttons)

        for name, (widget, _read, show) in self._fields.items():
            show(prefs.get(name))
            if prefs.is_locked(name):
                widget.setEnabled(False)
                widget.setToolTip(self.tr("Set by your organisation"))
        self._check_hours()

    def _field(self, name: str, widget: QWidget, read: Callable[[], Any], show: Callable[[Any], None]) -> None:
        self._fields[name] = (widget, read, show)

    def _show_language(self, code: Any) -> None:
        code = str(code or "").strip()
        index = self.language.findData(code)
        if index < 0:  # a code the list does not name (e.g. "de_AT"): keep it, shown as itself
            self.language.addItem(code, code)
            index = self.language.count() - 1
        self.language.setCurrentIndex(index)

    # -- checks and storing ------------------------------------------------------

    def _check_hours(self) -> bool:
        ok = self.day_end.time() > self.day_start.time()
        show_message(self.hours_error, "" if ok else self.tr("The working day must end after it starts."), error=True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def values(self) -> dict[str, Any]:
        """What the fields say now, setting by setting."""
        return {name: read() for name, (_widget, read, _show) in self._fields.items()}

    def changes(self) -> dict[str, Any]:
        """The settings whose value the user changed (locked ones never)."""
        return {name: value for name, value in self.values().items()
                if not self.prefs.is_locked(name) and value != self.prefs.get(name)}

    def restore_defaults(self) -> None:
        for name, (_widget, _read, show) in self._fields.items():
            if not self.prefs.is_locked(name):
                show(self.prefs.default(name))

    def accept(self) -> None:
        if not self._check_hours():
            return
        for name, value in self.changes().items():
            if value == self.prefs.default(name):
                self.prefs.reset(name)  # a later change of the default applies again
            else:
                self.prefs.set(name, value)
        self.prefs.sync()
        super().accept()
