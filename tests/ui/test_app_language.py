"""The interface speaks the language chosen in the settings (German ships with the app)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldcrm.ui.app import close_context, make_context
from fieldcrm.ui.language import install_translators, translations_dir
from fieldcrm.ui.main_window import MainWindow
from test_app_support import demo_replica  # noqa: F401  (fixture)


@pytest.fixture
def open_in(qtbot, demo_replica, tmp_path):  # noqa: F811
    """Opens the main window with ``ui/language`` set as given; English again afterwards."""
    opened = []

    def open_window(language: str) -> MainWindow:
        ctx = make_context(demo_replica, tmp_path / "profile")
        ctx.prefs.set("ui/language", language)
        translators = install_translators(QApplication.instance(), ctx.prefs.get("ui/language"))
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        win.show()
        opened.append((win, ctx, translators))
        return win

    yield open_window
    for win, ctx, translators in opened:
        win.close()
        close_context(ctx)
        for translator in translators:
            QApplication.instance().removeTranslator(translator)


def nav_titles(win):
    return [win.nav.item(i).text() for i in range(win.nav.count())]


def test_german_setting_shows_german_navigation_menus_and_status(open_in, qtbot):
    win = open_in("de")
    assert nav_titles(win)[:8] == ["Heute", "Kunden", "Kontakte", "Besuche", "Aktivitäten",
                                   "Verkaufschancen", "Aufträge", "Serviceeinsätze"]
    assert [a.text() for a in win.menuBar().actions()] == ["&Datei", "&Bearbeiten", "&Erfassen", "&Synchronisation"]
    bar = win.statusBar()
    qtbot.waitUntil(lambda: bar.pending_count is not None)
    assert bar.pending.text() == "0 Änderungen zu senden"
    assert bar.last_sync.text() == "Letzte Synchronisation: nie"
    # a list's column titles and the Today page
    qtbot.keyClick(win, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    accounts = win.stack.currentWidget()
    assert accounts.model.headerData(0, Qt.Orientation.Horizontal) == "Name"
    assert accounts.model.headerData(2, Qt.Orientation.Horizontal) == "Ort"


def test_sign_in_dialog_and_sync_center_in_german(open_in, qtbot):
    win = open_in("de")
    dialog = win.sync.sign_in()
    assert dialog.windowTitle() == "Bei fieldcrm anmelden"
    assert dialog.buttons.buttons()[0].text() in ("Anmelden", "Abbrechen")
    center = win.sync.show_center()
    assert [center.tabs.tabText(i).split(" (")[0] for i in range(3)] == [
        "Zu prüfen", "Wartet auf Senden", "Synchronisationsprotokoll"]
    dialog.reject()
    center.close()


def test_without_a_translation_the_app_stays_english(open_in):
    win = open_in("xx")  # no such language file
    assert nav_titles(win)[:3] == ["Today", "Accounts", "Contacts"]


def test_every_shipped_translation_is_compiled():
    """The .qm files are committed beside the .ts sources, so a fresh checkout runs translated."""
    sources = sorted(translations_dir().glob("fieldcrm_*.ts"))
    assert sources
    for ts in sources:
        assert ts.with_suffix(".qm").exists(), f"{ts.name} has no compiled .qm: run resources/translations/build.py"
