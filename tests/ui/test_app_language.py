"""The interface speaks the language chosen in the settings (German ships with the app)."""

import datetime as dt

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLabel

from fieldcrm.ui.app import close_context, make_context
from fieldcrm.ui.language import install_translators, translations_dir
from fieldcrm.ui.main_window import MainWindow
from test_app_support import ACME_ID, GLOBEX_ID, demo_replica  # noqa: F401  (fixture)

GERMAN_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
GERMAN_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                 "Oktober", "November", "Dezember")


@pytest.fixture
def open_in(qtbot, demo_replica, tmp_path):  # noqa: F811
    """Opens the main window with ``ui/language`` set as given; English again afterwards."""
    opened = []
    locale = QLocale()

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
    QLocale.setDefault(locale)


def nav_titles(win):
    return [win.nav.item(i).text() for i in range(win.nav.count())]


def test_german_setting_shows_german_navigation_menus_and_status(open_in, qtbot):
    win = open_in("de")
    assert nav_titles(win)[:9] == ["Heute", "Kunden", "Kontakte", "Besuche", "Aktivitäten", "Leads",
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


def open_accounts(win, qtbot):
    page = win.show_page("account")
    qtbot.waitUntil(lambda: page.model.rowCount() == 42)
    qtbot.waitUntil(lambda: page.model.row_data(page.model.row_of(GLOBEX_ID)) is not None)
    return page


def account_cells(page, account_id):
    row = page.model.row_of(account_id)
    return [page.model.index(row, c).data() for c in range(page.model.columnCount())]


def open_account_360(win, qtbot):
    win.ctx.navigator.open_record.emit("account", ACME_ID)
    page = win.stack.currentWidget()
    qtbot.waitUntil(lambda: page.orders.topLevelItemCount() == 1)
    return page


def test_german_lists_show_choice_labels_amounts_and_names_as_german_writes_them(open_in, qtbot):
    win = open_in("de")
    page = open_accounts(win, qtbot)
    # Name, Art, Ort, Branche, Telefon, Kreditlimit, Gesperrt
    acme = account_cells(page, ACME_ID)
    assert acme[1] == "Kunde"
    assert acme[5] == "50.000,00"
    assert acme[6] == "Ja"
    assert account_cells(page, GLOBEX_ID)[1] == "Interessent"
    assert [page.quick.itemText(i) for i in range(page.quick.count())] == [
        "Alle", "Kunde", "Interessent", "Partner"]
    assert page.filter_box.placeholderText() == "Kunden filtern…"
    assert page.new_button.text() == "Neu: Kunde"
    # the quick filter still filters by the stored value
    page.quick.setCurrentIndex(page.quick.findText("Interessent"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.id_at(0) == GLOBEX_ID


def test_german_today_title_has_the_german_weekday_and_month(open_in, qtbot):
    win = open_in("de")
    today = win.stack.currentWidget()
    qtbot.waitUntil(lambda: today.tasks.topLevelItemCount() + today.overdue.topLevelItemCount() > 0)
    day = dt.date.today()
    heading = f"Heute — {GERMAN_WEEKDAYS[day.weekday()]}, {day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}"
    assert heading in today.heading.text()
    assert today.jobs.topLevelItem(0).text(3) == "Eingeplant"
    assert today.visits.topLevelItem(0).text(3) == "Geplant"


def test_german_account_page_and_pipeline_show_labels_and_german_amounts(open_in, qtbot):
    win = open_in("de")
    page = open_account_360(win, qtbot)
    assert page.details.text().startswith("Kunde · Manufacturing · Lyon")
    assert page.erp["credit_limit"].text() == "50.000,00"
    assert page.erp["credit_amount"].text() == "12.345,67"
    assert page.orders.topLevelItem(0).text(1) == "Auftrag"
    assert page.orders.topLevelItem(0).text(2) == "Angenommen"
    assert page.orders.topLevelItem(0).text(5) == "2.400,00"
    assert page.opportunities.topLevelItem(0).text(1) == "Angebot"
    assert page.opportunities.topLevelItem(0).text(2) == "80.000,00"
    assert "Aufgabe" in [page.timeline.topLevelItem(i).text(1) for i in range(page.timeline.topLevelItemCount())]
    win.show_page("pipeline")
    pipeline = win.stack.currentWidget()
    qtbot.waitUntil(lambda: pipeline.columns["proposal"].title.text() != "")
    assert "Angebot" in pipeline.columns["proposal"].title.text()
    assert "Verhandlung" in pipeline.columns["negotiation"].title.text()


def test_german_form_offers_choice_labels_and_keeps_the_stored_value(open_in, qtbot):
    win = open_in("de")
    win.ctx.navigator.open_record.emit("account", GLOBEX_ID)
    qtbot.waitUntil(lambda: win.stack.currentWidget().account is not None)
    win.ctx.navigator.new_record.emit("account", {})
    qtbot.waitUntil(lambda: bool(win.opener.forms))
    form = win.opener.forms[-1]
    assert form.windowTitle() == "Neu: Kunde"
    combo = form.editors["type"].widget
    labels = {combo.itemText(i): combo.itemData(i) for i in range(combo.count())}
    assert labels["Kunde"] == "customer" and labels["Interessent"] == "prospect"
    shown = {label.text() for label in form.findChildren(QLabel)}
    assert {"Name *", "Art", "PLZ", "Straße", "Branche"} <= shown
    combo.setCurrentIndex(combo.findText("Partner"))
    assert form.editors["type"].value() == "partner"
    form.done(0)


def test_english_shows_the_same_places_in_english(open_in, qtbot):
    win = open_in("en")
    today = win.stack.currentWidget()
    day = dt.date.today()
    qtbot.waitUntil(lambda: today.heading.text() != "")
    assert f"Today — {day:%A %d %B %Y}" in today.heading.text()
    page = open_accounts(win, qtbot)
    acme = account_cells(page, ACME_ID)
    assert (acme[1], acme[5], acme[6]) == ("Customer", "50,000.00", "Yes")
    assert page.filter_box.placeholderText() == "Filter accounts…"
    assert page.new_button.text() == "New account"
    account = open_account_360(win, qtbot)
    assert account.details.text().startswith("Customer · Manufacturing")
    assert account.erp["credit_amount"].text() == "12,345.67"
    assert account.orders.topLevelItem(0).text(2) == "Accepted"
