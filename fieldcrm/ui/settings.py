"""Typed user settings over QSettings.

Every setting is declared once in :data:`DEFAULTS` with its type and default.
Values are stored as plain QSettings values (bool, int, float, str) or as JSON
text (list, dict); nothing is ever pickled. A site configuration can supply
its own defaults (``overrides``) and lock settings (``locked``) so the UI
shows them read-only::

    settings = Settings(QSettings(path, QSettings.Format.IniFormat),
                        overrides={"sync/interval_minutes": 30},
                        locked={"server/url"})
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QObject, QSettings, Signal
from PySide6.QtWidgets import QHeaderView, QMainWindow, QWidget


@dataclass(frozen=True)
class Deferred:
    """A default worked out on first read, when it lives in a module that is
    slow to import (the window opens before the storage layer is loaded)."""

    compute: Callable[[], Any]


@dataclass(frozen=True)
class Setting:
    type: type
    default: Any
    description: str = ""


#: name -> (type, default). Lists and dicts are stored as JSON.
DEFAULTS: dict[str, Setting] = {
    "server/url": Setting(str, "", "Address of the fieldcrm server"),
    "sync/interval_minutes": Setting(int, 15, "Minutes between background syncs"),
    "sync/on_reconnect": Setting(bool, True, "Sync as soon as the network returns"),
    "ui/language": Setting(str, "", "Interface language; empty follows the system"),
    "ui/confirm_deletes": Setting(bool, True, "Ask before deleting"),
    "ui/recent_searches": Setting(list, [], "Recent search texts, newest first"),
    "lists/page_size": Setting(int, 200, "Rows fetched at a time in lists"),
    "lists/columns": Setting(dict, {}, "Visible columns per list view"),
    "map/default_zoom": Setting(float, 11.0, "Zoom level of the map view"),
}

_JSON_TYPES = (list, dict)
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class SettingLocked(PermissionError):
    """The setting is fixed by the site configuration."""


def tr(text: str) -> str:
    return QCoreApplication.translate("Settings", text)


class Settings(QObject):
    """The app's settings. ``changed(name)`` is emitted after each write."""

    changed = Signal(str)

    def __init__(
        self,
        store: QSettings,
        *,
        defaults: Mapping[str, Setting] = DEFAULTS,
        overrides: Mapping[str, Any] | None = None,
        locked: set[str] | frozenset[str] = frozenset(),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._defaults = dict(defaults)
        unknown = (set(overrides or {}) | set(locked)) - set(self._defaults)
        if unknown:
            raise KeyError(f"unknown settings: {', '.join(sorted(unknown))}")
        self._overrides = {name: self._coerce(name, value) for name, value in (overrides or {}).items()}
        self._locked = frozenset(locked)
        self._computed: dict[str, Any] = {}

    @classmethod
    def at(cls, path: str | Path, **kwargs: Any) -> Settings:
        """Settings kept in an INI file, e.g. inside a ``--profile`` folder."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat), **kwargs)

    # -- values -------------------------------------------------------------

    def default(self, name: str) -> Any:
        """The site's default if it gives one, else the built-in default."""
        if name in self._overrides:
            return _copy(self._overrides[name])
        default = self._spec(name).default
        if isinstance(default, Deferred):
            if name not in self._computed:
                self._computed[name] = default.compute()
            default = self._computed[name]
        return _copy(default)

    def get(self, name: str) -> Any:
        """The current value. A locked setting always reads the site's value;
        a stored value that cannot be read as the declared type reads as the
        default."""
        spec = self._spec(name)
        if name in self._locked or not self._store.contains(name):
            return self.default(name)
        try:
            return self._decode(spec, self._store.value(name))
        except (TypeError, ValueError):
            return self.default(name)

    def set(self, name: str, value: Any) -> None:
        """Store ``value``; raises :class:`SettingLocked` for a locked setting
        and ``TypeError`` for a value of the wrong type."""
        if name in self._locked:
            raise SettingLocked(tr("“%1” is set by your organisation and cannot be changed.").replace("%1", name))
        value = self._coerce(name, value)
        spec = self._spec(name)
        self._store.setValue(name, json.dumps(value) if spec.type in _JSON_TYPES else value)
        self.changed.emit(name)

    def reset(self, name: str) -> None:
        """Forget the user's value so the default applies again."""
        if name in self._locked:
            raise SettingLocked(tr("“%1” is set by your organisation and cannot be changed.").replace("%1", name))
        self._spec(name)
        self._store.remove(name)
        self.changed.emit(name)

    def is_locked(self, name: str) -> bool:
        """True when the UI must show the setting read-only."""
        self._spec(name)
        return name in self._locked

    def names(self) -> list[str]:
        return list(self._defaults)

    def sync(self) -> None:
        """Write pending changes to disk now (QSettings also does it later)."""
        self._store.sync()

    # -- window geometry ------------------------------------------------------

    def save_window(self, window: QWidget, name: str) -> None:
        """Remember ``window``'s size and place (and toolbars/docks of a
        main window) under ``name``. Not part of the defaults table."""
        self._store.setValue(f"windows/{name}/geometry", window.saveGeometry())
        if isinstance(window, QMainWindow):
            self._store.setValue(f"windows/{name}/state", window.saveState())

    def restore_window(self, window: QWidget, name: str) -> bool:
        """Put ``window`` back where it was; False when nothing was saved."""
        geometry = self._bytes(f"windows/{name}/geometry")
        if geometry is None or not window.restoreGeometry(geometry):
            return False
        state = self._bytes(f"windows/{name}/state")
        if isinstance(window, QMainWindow) and state is not None:
            window.restoreState(state)
        return True

    def save_header(self, header: QHeaderView, name: str) -> None:
        """Remember a list's column widths, order and sort column."""
        self._store.setValue(f"headers/{name}", header.saveState())

    def restore_header(self, header: QHeaderView, name: str) -> bool:
        state = self._bytes(f"headers/{name}")
        return state is not None and header.restoreState(state)

    # -- internals ------------------------------------------------------------

    def _spec(self, name: str) -> Setting:
        try:
            return self._defaults[name]
        except KeyError:
            raise KeyError(f"unknown setting {name!r}") from None

    def _coerce(self, name: str, value: Any) -> Any:
        spec = self._spec(name)
        if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
            raise TypeError(f"setting {name!r} takes {spec.type.__name__}, not {type(value).__name__}")
        if spec.type in _JSON_TYPES:
            json.dumps(value)  # refuse what JSON cannot hold, before storing it
        return value

    @staticmethod
    def _decode(spec: Setting, raw: Any) -> Any:
        """Turn what QSettings returns (INI files give strings) into the type."""
        if spec.type in _JSON_TYPES:
            value = json.loads(raw) if isinstance(raw, str) else raw
            if not isinstance(value, spec.type):
                raise TypeError(f"expected {spec.type.__name__}")
            return value
        if spec.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(f"not a yes/no value: {raw!r}")
        if spec.type is str:
            if not isinstance(raw, str):
                raise TypeError("expected text")
            return raw
        return spec.type(raw)

    def _bytes(self, key: str) -> QByteArray | None:
        raw = self._store.value(key)
        return raw if isinstance(raw, QByteArray) and not raw.isEmpty() else None


def _copy(value: Any) -> Any:
    """Defaults are shared: hand out copies of lists and dicts."""
    return json.loads(json.dumps(value)) if isinstance(value, _JSON_TYPES) else value
