"""The interface language: the ``ui/language`` setting, else the system's.

Translations live in ``resources/translations/fieldcrm_<lang>.qm`` (made by
``resources/translations/build.py``); Qt's own strings (standard buttons,
context menus) come from the ``qtbase_<lang>.qm`` that ships with Qt. A
language without a file leaves the interface in English. The chosen locale
also becomes Qt's default, so dates and numbers read as that language writes
them (see :mod:`fieldcrm.ui.formats`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator


def translations_dir() -> Path:
    """Beside the package in a checkout or an installed tree; inside a bundle
    when the app is frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources" / "translations"
    return Path(__file__).resolve().parents[2] / "resources" / "translations"


def chosen_locale(setting: str) -> QLocale:
    """``setting`` is a language code such as ``de`` or ``de_AT``; empty follows the system."""
    return QLocale(setting) if setting.strip() else QLocale.system()


def install_translators(app: QCoreApplication, setting: str = "") -> list[QTranslator]:
    """Install the app's and Qt's translations for the chosen language and make
    its locale the default one.

    Returns the installed translators (remove them with
    ``app.removeTranslator`` and set ``QLocale.setDefault`` back to switch back)."""
    locale = chosen_locale(setting)
    QLocale.setDefault(locale)
    installed = []
    for name, folder in (("fieldcrm", translations_dir()),
                         ("qtbase", Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", str(folder)):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
