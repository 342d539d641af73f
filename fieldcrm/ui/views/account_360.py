"""One account on one page: ERP facts, contacts, history, deals, orders, jobs, visits, files."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QTabWidget, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from fieldcrm.services.view_account import account_overview
from fieldcrm.ui.changes import Change
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import entity_title
from fieldcrm.ui.formats import calendar_date, file_size, money, when
from fieldcrm.ui.file_opener import FileAttacher, FileOpener
from fieldcrm.ui.labels import labelled, value_label
from fieldcrm.ui.text import show_message

ID_ROLE = Qt.ItemDataRole.UserRole + 1
WATCHED = (Change.ACCOUNTS | Change.CONTACTS | Change.ACTIVITIES | Change.VISITS
           | Change.OPPORTUNITIES | Change.ORDERS | Change.JOBS | Change.ATTACHMENTS)

Section = Sequence[tuple[str, str, Callable[[Any], str] | None]]

T = "RecordTable"  # translation context of the section column titles


def _timeline_kind(kind: Optional[str]) -> str:
    """The timeline mixes activities (by their kind) and visits."""
    return entity_title("visit") if kind == "visit" else value_label("activity", "kind", kind)


class RecordTable(QTreeWidget):
    """A small read-only table of related records; Enter or double-click opens one."""

    def __init__(self, ctx: AppContext, entity: str, columns: Section, name: str):
        super().__init__()
        self.ctx, self.entity, self.columns = ctx, entity, columns
        self.setObjectName(name)
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setHeaderLabels([QCoreApplication.translate(T, title) for _k, title, _f in columns])
        for i in range(len(columns) - 1):
            self.setColumnWidth(i, 160 if i else 220)
        self.itemActivated.connect(self._open)

    def show_rows(self, rows: list[dict]) -> None:
        self.clear()
        for row in rows:
            item = QTreeWidgetItem([(f or (lambda v: "" if v is None else str(v)))(row.get(k))
                                    for k, _t, f in self.columns])
            item.setData(0, ID_ROLE, (row.get("entity", self.entity), row["id"]))
            self.addTopLevelItem(item)
        for column in range(len(self.columns) - 1):
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, min(max(self.columnWidth(column), 70), 260))

    def _open(self, item: QTreeWidgetItem, _column: int) -> None:
        self.ctx.navigator.open_record.emit(*item.data(0, ID_ROLE))


class FilesSection(QWidget):
    """The files of the account, its service jobs and its visits; Enter or
    double-click opens one (downloading it first when only the server has it);
    *Attach file…* adds one to the account itself."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.setObjectName("account-files")
        self.rows: list[dict] = []
        self.account_id: Optional[str] = None
        self.table = QTreeWidget(objectName="files")
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setHeaderLabels([self.tr("File"), self.tr("On"), self.tr("Size"), self.tr("Where"), self.tr("Changed")])
        self.table.itemActivated.connect(lambda item, _column: self.open(self.table.indexOfTopLevelItem(item)))
        self.message = QLabel(objectName="files-message", wordWrap=True)
        self.message.hide()
        self.opener = FileOpener(ctx, self)
        self.opener.said.connect(self._say)
        self.attacher = FileAttacher(ctx, self, "account", "")
        self.attacher.said.connect(self._say)
        self.attach_button = QPushButton(self.tr("&Attach file…"), objectName="attach-account-file")
        self.attach_button.setToolTip(self.tr("Attach a file to the account; files of a job or visit are "
                                              "attached in its form"))
        self.attach_button.clicked.connect(self.attacher.choose)
        self.attach_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def set_account(self, account_id: str) -> None:
        if account_id != self.account_id:
            self.account_id = self.attacher.row_id = account_id
            self._say("")
            self.attach_button.setEnabled(True)

    def show_rows(self, rows: list[dict]) -> None:
        self.rows = rows
        self.table.clear()
        for row in rows:
            on = entity_title(row["on_entity"])
            if row["on_entity"] != "account" and row.get("on_title"):
                on = f"{on}: {row['on_title']}"
            where = self.tr("on this laptop") if row["path"] else self.tr("on the server")
            item = QTreeWidgetItem([row["name"], on, file_size(row.get("size")), where, when(row.get("updated_at"))])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.addTopLevelItem(item)
        for column in range(4):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(max(self.table.columnWidth(column), 70), 320))

    def names(self) -> list[str]:
        return [row["name"] for row in self.rows]

    def open(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.opener.open(self.rows[index])

    def _say(self, text: str, error: bool = False) -> None:
        show_message(self.message, text, error)


class AccountView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("account-360")
        self.account: Optional[dict] = None
        self._account_id: Optional[str] = None

        self.name = QLabel(objectName="account-name")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel(objectName="account-details", wordWrap=True)
        self.edit_button = QPushButton(self.tr("Edit"), objectName="edit-account")
        self.edit_button.clicked.connect(
            lambda: self._account_id and ctx.navigator.edit_record.emit("account", self._account_id))
        actions = QHBoxLayout()
        for key, text in (("log_call", self.tr("Log call")), ("log_visit", self.tr("Log visit")),
                          ("log_note", self.tr("Add note"))):
            button = QPushButton(text, objectName=key.replace("_", "-"))
            button.clicked.connect(lambda _=False, k=key: getattr(self.window().actions, k).trigger())
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.edit_button)

        self.erp_box = QFrame(objectName="erp-facts")
        self.erp_box.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self.erp_box)
        grid.addWidget(QLabel(self.tr("<b>From the ERP</b> (read-only)")), 0, 0, 1, 4)
        self.erp: dict[str, QLabel] = {}
        for col, (key, title) in enumerate((("credit_limit", self.tr("Credit limit")),
                                            ("credit_amount", self.tr("Receivable")),
                                            ("erp_blocked", self.tr("Blocked")),
                                            ("erp_ref", self.tr("ERP number")))):
            grid.addWidget(QLabel(title), 1, col)
            value = QLabel(objectName=f"erp-{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(value, 2, col)
            self.erp[key] = value

        self.tabs = QTabWidget(objectName="account-tabs")
        self.contacts = RecordTable(ctx, "contact", (
            ("last_name", QT_TRANSLATE_NOOP("RecordTable", "Last name"), None),
            ("first_name", QT_TRANSLATE_NOOP("RecordTable", "First name"), None),
            ("title", QT_TRANSLATE_NOOP("RecordTable", "Title"), None),
            ("email", QT_TRANSLATE_NOOP("RecordTable", "Email"), None),
            ("phone", QT_TRANSLATE_NOOP("RecordTable", "Phone"), None)), "contacts")
        self.timeline = RecordTable(ctx, "activity", (
            ("when", QT_TRANSLATE_NOOP("RecordTable", "When"), when),
            ("kind", QT_TRANSLATE_NOOP("RecordTable", "Kind"), _timeline_kind),
            ("title", QT_TRANSLATE_NOOP("RecordTable", "Subject"), None),
            ("who", QT_TRANSLATE_NOOP("RecordTable", "By"), None),
            ("detail", QT_TRANSLATE_NOOP("RecordTable", "Notes"), None)), "timeline")
        self.opportunities = RecordTable(ctx, "opportunity", (
            ("name", QT_TRANSLATE_NOOP("RecordTable", "Name"), None),
            ("stage", QT_TRANSLATE_NOOP("RecordTable", "Stage"), labelled("opportunity", "stage")),
            ("amount", QT_TRANSLATE_NOOP("RecordTable", "Amount"), money),
            ("expected_close", QT_TRANSLATE_NOOP("RecordTable", "Expected close"), calendar_date)), "opportunities")
        self.orders = RecordTable(ctx, "sales_order", (
            ("order_date", QT_TRANSLATE_NOOP("RecordTable", "Date"), calendar_date),
            ("kind", QT_TRANSLATE_NOOP("RecordTable", "Kind"), labelled("sales_order", "kind")),
            ("status", QT_TRANSLATE_NOOP("RecordTable", "Status"), labelled("sales_order", "status")),
            ("erp_number", QT_TRANSLATE_NOOP("RecordTable", "ERP number"), None),
            ("erp_state", QT_TRANSLATE_NOOP("RecordTable", "ERP status"), None),
            ("total", QT_TRANSLATE_NOOP("RecordTable", "Total"), money)), "orders")
        self.jobs = RecordTable(ctx, "service_job", (
            ("scheduled_start", QT_TRANSLATE_NOOP("RecordTable", "Scheduled"), when),
            ("title", QT_TRANSLATE_NOOP("RecordTable", "Title"), None),
            ("status", QT_TRANSLATE_NOOP("RecordTable", "Status"), labelled("service_job", "status")),
            ("priority", QT_TRANSLATE_NOOP("RecordTable", "Priority"), labelled("service_job", "priority")),
            ("technician_name", QT_TRANSLATE_NOOP("RecordTable", "Technician"), None)), "jobs")
        self.visits = RecordTable(ctx, "visit", (
            ("planned_start", QT_TRANSLATE_NOOP("RecordTable", "Planned"), when),
            ("status", QT_TRANSLATE_NOOP("RecordTable", "Status"), labelled("visit", "status")),
            ("objective", QT_TRANSLATE_NOOP("RecordTable", "Objective"), None),
            ("owner_name", QT_TRANSLATE_NOOP("RecordTable", "By"), None)), "visits")
        self.files = FilesSection(ctx)
        self.files.opener.fetched.connect(self.reload)  # a downloaded file is on this laptop now
        self._tab_titles = []
        for table, title in ((self.contacts, self.tr("Contacts")), (self.timeline, self.tr("Timeline")),
                             (self.opportunities, self.tr("Open opportunities")),
                             (self.orders, self.tr("Orders")), (self.jobs, self.tr("Service jobs")),
                             (self.visits, self.tr("Visits")), (self.files, self.tr("Files"))):
            self.tabs.addTab(table, title)
            self._tab_titles.append(title)

        header = QVBoxLayout()
        header.addWidget(self.name)
        header.addWidget(self.details)
        top = QHBoxLayout()
        top.addLayout(header, 1)
        top.addWidget(self.erp_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        ctx.bus.subscribe(WATCHED, lambda _c: self.reload(), owner=self)

    def show_account(self, account_id: str) -> None:
        self._account_id = account_id
        self.files.set_account(account_id)
        if self.account is None or self.account["id"] != account_id:
            self.name.setText(self.tr("<h2>Loading…</h2>"))
        self.reload()

    def reload(self) -> None:
        if self._account_id:
            self.ctx.call(account_overview, self._account_id, done=self._show, failed=self._failed)

    def _show(self, data: dict) -> None:
        if data["account"]["id"] != self._account_id:
            return
        a = self.account = data["account"]
        self.name.setText(f"<h2>{escape(a['name'] or '')}</h2>")
        place = ", ".join(p for p in (a.get("street"), a.get("postal_code"), a.get("city"),
                                      a.get("country")) if p)
        facts = [value_label("account", "type", a.get("type")), a.get("industry") or "", place,
                 a.get("phone") or "", a.get("email") or "", a.get("territory_name") or ""]
        self.details.setText(" · ".join(f for f in facts if f))
        erp = data["erp"]
        self.erp["credit_limit"].setText(money(erp["credit_limit"]) or "—")
        self.erp["credit_amount"].setText(money(erp["credit_amount"]) or "—")
        blocked = self.erp["erp_blocked"]
        blocked.setText(self.tr("Blocked") if erp["erp_blocked"] else self.tr("No"))
        blocked.setStyleSheet("color: #b3261e; font-weight: bold;" if erp["erp_blocked"] else "")
        self.erp["erp_ref"].setText(erp["erp_ref"] or self.tr("not in the ERP yet"))
        sections = (self.contacts, self.timeline, self.opportunities, self.orders, self.jobs, self.visits,
                    self.files)
        keys = ("contacts", "timeline", "opportunities", "orders", "jobs", "visits", "files")
        for index, (table, key) in enumerate(zip(sections, keys)):
            table.show_rows(data[key])
            self.tabs.setTabText(index, f"{self._tab_titles[index]} ({len(data[key])})")

    def _failed(self, exc: BaseException) -> None:
        self.name.setText(f"<h2>{self.tr('This account is no longer on this laptop.')}</h2>")

