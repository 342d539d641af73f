"""The Leads page as a rep uses it: the list, and a lead converted into an
account with its contact and a deal from the list, the box keeping what was
typed when the conversion is refused."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldcrm.services.records import RecordService
from fieldcrm.ui.convert_lead import ConvertLeadDialog

from test_app_support import LEAD_ID, demo_replica, window  # noqa: F401  (fixtures)


def leads_page(window, qtbot):
    window.show_page("lead")
    window.activateWindow()  # the offscreen platform drops it when a page is made
    qtbot.waitUntil(window.isActiveWindow)
    page = window.stack.currentWidget()
    assert page.objectName() == "list-lead"
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.row_data(1) is not None)
    return page


def select(page, company):
    row = next(r for r in range(page.model.rowCount()) if page.model.index(r, 0).data() == company)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(row, 0))


def open_convert(window, page, qtbot):
    qtbot.keyClick(page, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # &Convert…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ConvertLeadDialog))
    return QApplication.activeModalWidget()


def test_leads_are_listed_with_readable_status_and_open_only_hides_the_dropped(window, qtbot):
    page = leads_page(window, qtbot)
    rows = {page.model.index(r, 0).data(): (page.model.index(r, 2).data(), page.model.index(r, 3).data())
            for r in range(2)}
    assert rows == {"Northwind Pumps": ("Qualified", "Trade fair or event"), "Tin Can Ltd": ("Disqualified", "Web enquiry")}
    assert not page.convert_button.isEnabled()  # nothing selected yet
    page.open_only.setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)


def test_converting_a_lead_opens_the_new_account_and_marks_the_lead(window, qtbot, demo_replica):
    page = leads_page(window, qtbot)
    select(page, "Northwind Pumps")
    assert page.convert_button.isEnabled()
    dialog = open_convert(window, page, qtbot)
    assert dialog.deal_name.text() == "Northwind Pumps"

    dialog.amount.setText("lots")  # not an amount: refused, nothing written, the box stays
    qtbot.mouseClick(dialog.convert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Not converted"))
    assert dialog.isVisible() and "amount" in dialog.message.text()
    records = RecordService(demo_replica)
    assert records.get("lead", LEAD_ID)["status"] == "qualified"
    assert not [a for a in records.list("account") if a["name"] == "Northwind Pumps"]

    dialog.amount.setText("12500")
    qtbot.mouseClick(dialog.convert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "account-360", timeout=5000)
    account_page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: (account_page.account or {}).get("name") == "Northwind Pumps", timeout=5000)
    lead = records.get("lead", LEAD_ID)
    assert lead["status"] == "converted" and lead["converted_account_id"] == account_page.account["id"]
    (deal,) = [o for o in records.list("opportunity") if o["account_id"] == lead["converted_account_id"]]
    assert (deal["name"], deal["amount"], deal["currency"]) == ("Northwind Pumps", "12500.00", "USD")
    (contact,) = [c for c in records.list("contact") if c["account_id"] == lead["converted_account_id"]]
    assert (contact["first_name"], contact["last_name"]) == ("Eva", "Lind")

    # back on the list, the lead reads Converted; converting it again is refused with the reason
    window.show_page("lead")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: any(page.model.index(r, 2).data() == "Converted" for r in range(page.model.rowCount())))
    select(page, "Northwind Pumps")
    again = open_convert(window, page, qtbot)
    qtbot.mouseClick(again.convert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "converted already" in again.message.text())
    again.reject()


def test_a_leads_form_does_not_offer_converted_which_only_converting_sets(window, qtbot):
    window.ctx.navigator.open_record.emit("lead", LEAD_ID)
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    combo = form.editors["status"].widget
    assert [combo.itemData(i) for i in range(combo.count())] == ["new", "contacted", "qualified", "disqualified"]
    assert combo.currentData() == "qualified"
    form.done(0)


def test_a_lead_is_converted_from_its_form_too(window, qtbot, demo_replica):
    window.ctx.navigator.open_record.emit("lead", LEAD_ID)
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    form.editors["notes"].widget.setPlainText("Wants two pumps")
    qtbot.mouseClick(form.convert_button, Qt.MouseButton.LeftButton)
    assert form.general_error.text() == "Save your changes first, then convert the lead."
    form.editors["notes"].widget.setPlainText("")
    qtbot.mouseClick(form.convert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ConvertLeadDialog))
    dialog = QApplication.activeModalWidget()
    dialog.with_deal.setChecked(False)
    qtbot.mouseClick(dialog.convert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "account-360", timeout=5000)
    qtbot.waitUntil(lambda: all(f is not form for f in window.opener.forms))  # the form closed
    lead = RecordService(demo_replica).get("lead", LEAD_ID)
    assert lead["status"] == "converted" and lead["converted_opportunity_id"] is None


def test_a_converted_leads_form_keeps_it_converted(window, qtbot, demo_replica):
    from fieldcrm.services.leads import convert_lead

    convert_lead(demo_replica, LEAD_ID)
    window.ctx.navigator.open_record.emit("lead", LEAD_ID)
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    combo = form.editors["status"].widget
    assert [combo.itemData(i) for i in range(combo.count())] == ["converted"]
    form.editors["notes"].widget.setPlainText("Met again at the fair")
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()
    lead = RecordService(demo_replica).get("lead", LEAD_ID)
    assert (lead["status"], lead["notes"]) == ("converted", "Met again at the fair")
