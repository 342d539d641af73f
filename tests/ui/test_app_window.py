"""The main window as a person uses it: pages, search, the account 360°."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget

from test_app_support import ACME_ID, demo_replica, window  # noqa: F401  (fixtures)


def nav_titles(win):
    return [win.nav.item(i).text() for i in range(win.nav.count())]


def test_opens_on_today_with_every_page_in_the_navigation(window, qtbot):
    assert nav_titles(window) == [
        "Today", "Accounts", "Contacts", "Visits", "Activities", "Leads", "Opportunities", "Orders",
        "Service jobs", "Pipeline", "Territory", "Schedule",
    ]
    today = window.stack.currentWidget()
    assert today.objectName() == "today"
    qtbot.waitUntil(lambda: today.visits.topLevelItemCount() == 1)
    assert today.visits.topLevelItem(0).text(1) == "Acme Tools"
    # the task due two days ago is overdue
    assert today.overdue.topLevelItemCount() >= 1
    assert "Send price list" in [today.overdue.topLevelItem(i).text(2)
                                 for i in range(today.overdue.topLevelItemCount())]


def test_accounts_list_shows_every_account_and_filters_as_you_type(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.stack.currentWidget()
    assert page.objectName() == "list-account"
    qtbot.waitUntil(lambda: page.model.rowCount() == 42)
    qtbot.waitUntil(lambda: page.model.row_data(0) is not None)
    assert page.model.index(0, 0).data() == "Acme Tools"
    qtbot.keyClicks(page.filter_box, "globex")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    qtbot.waitUntil(lambda: page.model.index(0, 0).data() == "Globex Foods")
    assert "1 record" in page.count.text()


def test_schedule_page_shows_this_week_with_the_optimise_action(window, qtbot):
    import datetime as dt

    window.nav.setCurrentRow(nav_titles(window).index("Schedule"))
    page = window.stack.currentWidget()
    assert page.objectName() == "schedule-view"
    assert page.findChild(QLabel, "placeholder-text") is None
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    last = max(monday + dt.timedelta(days=4), today)  # Friday, or on to today at a weekend
    qtbot.waitUntil(lambda: page.date_label.text() == f"{monday:%d %b} – {last:%d %b %Y}", timeout=5000)
    # today's demo visit is on it, whatever day of the week today is
    qtbot.waitUntil(lambda: any(e.account_name == "Acme Tools" and e.start.astimezone().date() == today
                                for e in (i.entry for i in page.week.items_by_id.values())), timeout=5000)
    assert page.mode.currentText() == "Week"
    assert page.optimise_button.isVisible() and page.optimise_button.isEnabled()
    assert page.optimise_button.text().replace("&", "") == "Optimise day"
    assert "Ctrl+R" in page.optimise_button.toolTip()


def test_pipeline_page_shows_the_board(window, qtbot):
    window.nav.setCurrentRow(nav_titles(window).index("Pipeline"))
    page = window.stack.currentWidget()
    assert page.objectName() == "pipeline-view"


def test_search_and_open_an_account_with_the_keyboard(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    box = window.search
    assert box.hasFocus()
    qtbot.keyClicks(box, "acm")
    results = box.results
    qtbot.waitUntil(results.isVisible, timeout=3000)
    texts = [results.item(i).text().strip() for i in range(results.count())]
    # grouped by type: the group titles are headers, hits under them
    assert texts[0] == "Accounts" and texts[1] == "Acme Tools"
    qtbot.keyClick(box, Qt.Key.Key_Down)  # stays on the first hit (already selected)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    page = window.stack.currentWidget()
    assert page.objectName() == "account-360"
    qtbot.waitUntil(lambda: "Acme Tools" in page.name.text())
    assert not results.isVisible()


def test_search_groups_hits_by_type_and_down_moves_to_the_next(window, qtbot):
    box = window.search
    box.focus()
    qtbot.keyClicks(box, "lovelace")
    qtbot.waitUntil(box.results.isVisible, timeout=3000)
    texts = [box.results.item(i).text().strip() for i in range(box.results.count())]
    assert texts == ["Contacts", "Ada Lovelace"]
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.opener.forms))
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    assert form.editors["last_name"].widget.text() == "Lovelace"


def test_account_360_shows_contacts_and_read_only_erp_facts(window, qtbot):
    window.ctx.navigator.open_record.emit("account", ACME_ID)
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.contacts.topLevelItemCount() == 2)
    names = {page.contacts.topLevelItem(i).text(0) for i in range(2)}
    assert names == {"Lovelace", "Babbage"}
    assert page.erp["credit_limit"].text() == "50,000.00"
    assert page.erp["credit_amount"].text() == "12,345.67"
    assert page.erp["erp_blocked"].text() == "Blocked"
    assert "From the ERP" in page.erp_box.findChildren(QLabel)[0].text()
    # ERP facts are labels, not editors: nothing on the page can change them
    assert not page.erp_box.findChildren(QLineEdit)
    tabs = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert tabs == ["Contacts (2)", "Timeline (2)", "Open opportunities (1)", "Orders (1)",
                    "Service jobs (1)", "Visits (1)", "Files (0)"]
    orders = page.tabs.widget(3)
    assert isinstance(orders, QTreeWidget)
    assert orders.topLevelItem(0).text(4) == "confirmed"  # the ERP's status of the order


def test_account_form_shows_erp_fields_read_only(window, qtbot):
    window.ctx.navigator.edit_record.emit("account", ACME_ID)
    form = window.opener.forms[-1]
    qtbot.waitUntil(form.isEnabled)
    credit = form.editors["credit_limit"].widget
    assert credit.text() == "50000.00" and not credit.isEnabled()
    assert "credit_limit" not in form.values()


def test_window_remembers_its_size_and_page(window, qtbot, demo_replica, tmp_path):
    from fieldcrm.ui.app import make_context
    from fieldcrm.ui.main_window import MainWindow

    window.resize(720, 520)
    window.show_page("contact")
    window.close()
    ctx = make_context(demo_replica, tmp_path / "profile")
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (720, 520)
    assert again.current_page_key() == "contact"
    ctx.closed = True  # as the app closes it: the window's timers start nothing more
    ctx.runner.shutdown(cancel_pending=True)


def test_an_accounts_page_shows_under_accounts_and_a_click_there_goes_back_to_the_list(window, qtbot):
    window.ctx.navigator.open_record.emit("account", ACME_ID)
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: "Acme Tools" in page.name.text())
    current = window.nav.currentItem()
    assert current.text() == "Accounts" and current.isSelected()
    rect = window.nav.visualItemRect(current)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page_key() == "account"
    window.ctx.navigator.open_record.emit("account", ACME_ID)
    assert window.current_page_key() == "account-360"
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Return)  # the keyboard way back
    assert window.current_page_key() == "account"
