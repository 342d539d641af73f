"""Shared set-up for the desktop app tests: a replica with known demo rows and
an open main window. Imported by the ``test_app_*`` modules (no tests here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fieldcrm.storage.reference import Product, User
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.sales import Account, Activity, Contact, Lead, Opportunity, SalesOrder, Visit
from fieldcrm.storage.service import ServiceJob
from fieldcrm.ui.app import close_context, make_context
from fieldcrm.ui.main_window import MainWindow

REP_ID = "00000000-0000-4000-8000-000000000001"
ACME_ID = "00000000-0000-4000-8000-0000000000a1"
GLOBEX_ID = "00000000-0000-4000-8000-0000000000a2"
LEAD_ID = "00000000-0000-4000-8000-0000000000b1"


def seed_demo(replica: Replica) -> None:
    """Rows as a first sync would bring them: no outbox entries."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with replica.sync_write() as s:
        s.add(User(id=REP_ID, username="rep1", display_name="Rita Rep", role="rep", version=1))
        s.add(Product(name="Pump P-100", sku="P100", list_price=Decimal("1200.00"), version=2))
        s.add(Account(id=ACME_ID, name="Acme Tools", type="customer", city="Lyon",
                      industry="Manufacturing", owner_id=REP_ID, credit_limit=Decimal("50000.00"),
                      credit_amount=Decimal("12345.67"), erp_blocked=True, erp_ref="C-1001",
                      version=3))
        s.add(Account(id=GLOBEX_ID, name="Globex Foods", type="prospect", city="Porto",
                      owner_id=REP_ID, version=4))
        for i in range(40):
            s.add(Account(name=f"Northwind Branch {i:02d}", type="customer", city="Graz",
                          owner_id=REP_ID, version=10 + i))
        s.add(Contact(account_id=ACME_ID, first_name="Ada", last_name="Lovelace",
                      email="ada@acme.example", title="Buyer", is_primary=True, version=60))
        s.add(Contact(account_id=ACME_ID, first_name="Charles", last_name="Babbage",
                      email="cb@acme.example", version=61))
        s.add(Contact(account_id=GLOBEX_ID, first_name="Hank", last_name="Scorpio", version=62))
        s.add(Visit(account_id=ACME_ID, owner_id=REP_ID, objective="Quarterly review",
                    planned_start=now, planned_end=now + dt.timedelta(hours=1), version=63))
        s.add(Activity(kind="task", subject="Send price list", account_id=ACME_ID,
                       owner_id=REP_ID, due_at=now - dt.timedelta(days=2), version=64))
        s.add(Opportunity(account_id=ACME_ID, owner_id=REP_ID, name="Line 3 retrofit",
                          stage="proposal", amount=Decimal("80000"), version=65))
        s.add(SalesOrder(account_id=ACME_ID, owner_id=REP_ID, kind="order", status="accepted",
                         erp_number="SO-77", erp_state="confirmed", total=Decimal("2400"),
                         version=66))
        s.add(ServiceJob(account_id=ACME_ID, technician_id=REP_ID, title="Pump leaking",
                         status="scheduled", scheduled_start=now, version=67))
        s.add(Lead(id=LEAD_ID, company="Northwind Pumps", contact_name="Eva Lind", city="Berlin",
                   source="event", status="qualified", owner_id=REP_ID, version=68))
        s.add(Lead(company="Tin Can Ltd", source="web", status="disqualified", owner_id=REP_ID, version=69))
    replica.set_state("user_id", REP_ID)


@pytest.fixture
def demo_replica(tmp_path):
    replica = Replica.open(tmp_path / "profile")
    seed_demo(replica)
    yield replica
    replica.close()


@pytest.fixture
def window(qtbot, demo_replica, tmp_path):
    ctx = make_context(demo_replica, tmp_path / "profile")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for form in list(win.opener.forms):
        form.done(0)
    win.close()
    close_context(ctx)


def answer_next_question(qtbot, button: QMessageBox.StandardButton, seen: list) -> None:
    """Click ``button`` on the next message box that opens (records its text)."""

    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)
