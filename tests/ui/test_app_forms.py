"""Creating and editing records in forms: messages beside fields, undo, prompts."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from fieldcrm.services.records import RecordService
from fieldcrm.services.status import replica_status
from test_app_support import (  # noqa: F401  (fixtures)
    ACME_ID, GLOBEX_ID, REP_ID, answer_next_question, demo_replica, window,
)


def open_contacts(window, qtbot):
    window.nav.setCurrentRow(2)
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    return page


def new_contact_form(window, qtbot, page):
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = window.opener.forms[-1]
    qtbot.waitExposed(form)
    return form


def pick_account(qtbot, form, typed="acme"):
    picker = form.editors["account_id"].widget
    qtbot.keyClicks(picker.lineEdit(), typed)
    qtbot.waitUntil(lambda: picker.count() >= 1, timeout=3000)
    picker.hidePopup()
    picker.setCurrentIndex(0)


def focus_main_window(window, qtbot):
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window.windowHandle())
    window.nav.setFocus()


def pending(window, qtbot, expected):
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.pending_count == expected, timeout=3000)
    return bar.pending.text()


def test_bad_email_and_missing_name_show_beside_the_fields_and_save_nothing(window, qtbot, demo_replica):
    page = open_contacts(window, qtbot)
    form = new_contact_form(window, qtbot, page)
    pick_account(qtbot, form)
    qtbot.keyClicks(form.editors["first_name"].widget, "Grace")
    qtbot.keyClicks(form.editors["email"].widget, "grace-at-acme")
    qtbot.mouseClick(form.buttons.button(form.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.errors["email"].isVisible(), timeout=3000)
    assert "not an email address" in form.errors["email"].text()
    assert form.isVisible()
    assert RecordService(demo_replica).count("contact") == 3
    # fix the email; the last name is still missing
    form.editors["email"].widget.clear()
    qtbot.keyClicks(form.editors["email"].widget, "grace@acme.example")
    assert not form.errors["email"].isVisible()  # editing clears the old message
    qtbot.mouseClick(form.buttons.button(form.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.errors["last_name"].isVisible(), timeout=3000)
    assert form.errors["last_name"].text() == "is required"
    assert not form.errors["email"].isVisible()
    assert RecordService(demo_replica).count("contact") == 3
    assert replica_status(demo_replica)["pending"] == 0


def test_valid_contact_appears_in_the_list_and_pending_count_goes_up(window, qtbot, demo_replica):
    page = open_contacts(window, qtbot)
    assert "0 changes to send" in pending(window, qtbot, 0)
    form = new_contact_form(window, qtbot, page)
    pick_account(qtbot, form)
    qtbot.keyClicks(form.editors["first_name"].widget, "Grace")
    qtbot.keyClicks(form.editors["last_name"].widget, "Hopper")
    qtbot.keyClicks(form.editors["email"].widget, "grace@acme.example")
    with qtbot.waitSignal(form.saved, timeout=3000):
        qtbot.keyClick(form.editors["email"].widget, Qt.Key.Key_Return)
    assert not form.isVisible()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=3000)
    row = page.model.row_of(RecordService(demo_replica).list("contact", {"last_name": "Hopper"})[0]["id"])
    qtbot.waitUntil(lambda: page.model.index(row, 2).data() == "Acme Tools", timeout=3000)
    assert "1 change to send" in pending(window, qtbot, 1)


def test_ctrl_z_restores_the_previous_values_as_another_edit(window, qtbot, demo_replica):
    records = RecordService(demo_replica)
    window.ctx.navigator.edit_record.emit("account", GLOBEX_ID)
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    city = form.editors["city"].widget
    city.selectAll()
    qtbot.keyClicks(city, "Braga")
    with qtbot.waitSignal(form.saved, timeout=3000):
        qtbot.keyClick(city, Qt.Key.Key_Return)
    assert records.get("account", GLOBEX_ID)["city"] == "Braga"
    assert window.actions.undo.isEnabled()
    assert window.actions.undo.text() == "Undo edit of account"
    focus_main_window(window, qtbot)  # as a person clicks back into the window
    with qtbot.waitSignal(window.ctx.edits.undone, timeout=3000):
        qtbot.keyClick(window.nav, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert records.get("account", GLOBEX_ID)["city"] == "Porto"
    assert not window.actions.undo.isEnabled()


def test_undo_of_a_new_record_removes_it(window, qtbot, demo_replica):
    page = open_contacts(window, qtbot)
    form = new_contact_form(window, qtbot, page)
    pick_account(qtbot, form, "globex")
    qtbot.keyClicks(form.editors["last_name"].widget, "Simpson")
    with qtbot.waitSignal(form.saved, timeout=3000):
        form.save()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=3000)
    window.actions.undo.trigger()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=3000)
    assert RecordService(demo_replica).list("contact", {"last_name": "Simpson"}) == []


def test_closing_a_changed_form_asks_first(window, qtbot, demo_replica):
    window.ctx.navigator.edit_record.emit("account", ACME_ID)
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    qtbot.keyClicks(form.editors["city"].widget, " Est")
    seen = []
    answer_next_question(qtbot, QMessageBox.StandardButton.Cancel, seen)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert seen and "not saved" in seen[0]
    assert form.isVisible()  # Cancel keeps the form open with the change
    answer_next_question(qtbot, QMessageBox.StandardButton.Discard, seen)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert RecordService(demo_replica).get("account", ACME_ID)["city"] == "Lyon"


def test_unchanged_form_closes_without_asking(window, qtbot):
    window.ctx.navigator.edit_record.emit("account", ACME_ID)
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()


def test_service_job_status_offers_only_the_next_steps(window, qtbot, demo_replica):
    job = RecordService(demo_replica).list("service_job")[0]
    window.ctx.navigator.edit_record.emit("service_job", job["id"])
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    combo = form.editors["status"].widget
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert offered == ["scheduled", "en_route", "on_hold", "cancelled"]
    assert combo.currentData() == "scheduled"


def test_log_a_call_from_the_account_page_is_prefilled(window, qtbot, demo_replica):
    window.ctx.navigator.open_record.emit("account", ACME_ID)
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.account is not None)
    qtbot.mouseClick(page.findChild(type(page.edit_button), "log-call"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.opener.forms))
    form = window.opener.forms[-1]
    assert form.editors["owner_id"].value() == REP_ID  # whoever is signed in
    assert form.editors["account_id"].widget.currentText() == "Acme Tools"
    assert form.editors["kind"].value() == "call"
    qtbot.keyClicks(form.editors["subject"].widget, "Asked about pump prices")
    with qtbot.waitSignal(form.saved, timeout=3000):
        form.save()
    qtbot.waitUntil(lambda: page.timeline.topLevelItemCount() == 3, timeout=3000)
    subjects = [page.timeline.topLevelItem(i).text(2) for i in range(3)]
    assert "Asked about pump prices" in subjects
