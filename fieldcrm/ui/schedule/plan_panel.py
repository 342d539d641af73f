"""The week's visit plan: visits due, accepting them into the plan, submitting it,
and for a manager the team's plans waiting for a decision."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from fieldcrm.services.visit_plans import (
    accept_due_visits, approve_plan, due_visits, plan_for_period, plans_to_decide, return_plan, submit_plan,
)
from fieldcrm.storage.validation import ValidationError
from fieldcrm.ui.changes import Change
from fieldcrm.ui.formats import DAY_MONTH, calendar_date, day_text
from fieldcrm.ui.labels import value_label
from fieldcrm.ui.runner import Op
from fieldcrm.ui.text import counted


def _load(replica, person_id: str, first: dt.date, last: dt.date, manager_id: Optional[str]) -> dict:
    return {"due": due_visits(replica, person_id, first, last), "plan": plan_for_period(replica, person_id, first),
            "to_decide": plans_to_decide(replica, manager_id) if manager_id else []}


class PlanPanel(QWidget):
    loaded = Signal()
    changed = Signal()

    def __init__(self, ctx: Any, view, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.view = ctx, view
        self.person_id: Optional[str] = None
        self.first = self.last = dt.date.today()
        self.plan: Optional[dict] = None
        self.status = QLabel(objectName="plan-status", wordWrap=True)
        self.due = QListWidget(objectName="due-visits")
        self.accept_button = QPushButton(self.tr("&Add checked visits to the plan"), objectName="accept-due")
        self.submit_button = QPushButton(self.tr("&Submit plan to manager"), objectName="submit-plan")
        self.accept_button.clicked.connect(self.accept_due)
        self.submit_button.clicked.connect(self.submit)
        self.message = QLabel(objectName="plan-message", wordWrap=True)

        self.decide = QGroupBox(self.tr("Plans waiting for your decision"), objectName="plans-to-decide")
        self.waiting = QListWidget(objectName="waiting-plans")
        self.comment = QLineEdit(objectName="decision-comment", placeholderText=self.tr("Comment for the rep"))
        self.approve_button = QPushButton(self.tr("A&pprove"), objectName="approve")
        self.return_button = QPushButton(self.tr("&Return"), objectName="return")
        self.approve_button.clicked.connect(lambda: self._decide(approve_plan))
        self.return_button.clicked.connect(lambda: self._decide(return_plan))
        dv = QVBoxLayout(self.decide)
        dv.addWidget(self.waiting)
        dv.addWidget(self.comment)
        row = QHBoxLayout()
        row.addWidget(self.approve_button)
        row.addWidget(self.return_button)
        dv.addLayout(row)
        self.decide.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(self.tr("<b>Visits due this week</b>")))
        layout.addWidget(self.due, 1)
        layout.addWidget(self.accept_button)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.message)
        layout.addWidget(self.decide, 1)

    def show_for(self, me, person_id: Optional[str], first: dt.date, names: dict) -> None:
        if not person_id:
            return
        self.person_id, self.first, self.last = person_id, first, first + dt.timedelta(days=4)
        self.names = names
        manager = me.id if me is not None and me.manages else None
        Op(_load, self.ctx.replica, person_id, self.first, self.last, manager).success(self._show).run(self.ctx.runner)

    def _show(self, data: dict) -> None:
        self.plan = data["plan"]
        week = f"{day_text(self.first, DAY_MONTH)} – {day_text(self.last, DAY_MONTH)}"
        if self.plan is None:
            self.status.setText(self.tr("No visit plan for {week} yet.").format(week=week))
        else:
            text = self.tr("Plan for {week}: {status}").format(week=week, status=value_label("visit_plan", "status", self.plan["status"]))
            if self.plan.get("manager_comment"):
                text += "\n" + self.tr("Manager: {comment}").format(comment=self.plan["manager_comment"])
            self.status.setText(text)
        self.due.clear()
        for d in data["due"]:
            last = calendar_date(d.last_visit) if d.last_visit else self.tr("never")
            item = QListWidgetItem(self.tr("{name}, {city} — due {due} (last visit {last}, every {n} days)").format(
                name=d.account_name, city=d.city, due=calendar_date(d.due), last=last, n=d.frequency_days))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, (d.account_id, d.due))
            self.due.addItem(item)
        editable = self.plan is None or self.plan["status"] in ("draft", "returned")
        self.accept_button.setEnabled(editable and bool(data["due"]))
        self.submit_button.setEnabled(self.plan is not None and self.plan["status"] in ("draft", "returned"))
        self.waiting.clear()
        for p in data["to_decide"]:
            item = QListWidgetItem(counted("PlanPanel", "{who}, week of {week}: %n visit",
                                           "{who}, week of {week}: %n visits", p["visits"]).format(
                who=p["owner_name"], week=p["period_start"]))
            item.setData(Qt.ItemDataRole.UserRole, p["id"])
            self.waiting.addItem(item)
        if self.waiting.count():
            self.waiting.setCurrentRow(0)
        self.decide.setVisible(bool(data["to_decide"]))
        self.loaded.emit()

    def _run(self, fn, *args, text: str) -> None:
        call = functools.partial(fn, self.ctx.replica, *args)
        Op(call).success(lambda _r: self._done(text)).failure(self._failed).run(self.ctx.runner)

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.ctx.bus.changed_data(Change.VISITS | Change.VISIT_PLANS, source=self.view)
        self.changed.emit()
        self.view.reload()

    def _failed(self, exc: BaseException) -> None:
        reason = exc.summary() if isinstance(exc, ValidationError) else str(exc)
        self.message.setText(self.tr("Not done: {reason}").format(reason=reason))

    def accept_due(self) -> None:
        chosen = [self.due.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.due.count())
                  if self.due.item(i).checkState() == Qt.CheckState.Checked]
        self._run(accept_due_visits, self.person_id, self.first, self.last, chosen,
                  text=counted("PlanPanel", "%n visit added to the plan.", "%n visits added to the plan.",
                               len(chosen)))

    def submit(self) -> None:
        if self.plan is not None:
            self._run(submit_plan, self.plan["id"], text=self.tr("Plan sent to the manager."))

    def _decide(self, fn) -> None:
        item = self.waiting.currentItem()
        if item is None:
            return
        comment = self.comment.text().strip()
        args = (item.data(Qt.ItemDataRole.UserRole), comment) if fn is return_plan else (
            item.data(Qt.ItemDataRole.UserRole), comment or None)
        self._run(fn, *args, text=self.tr("Plan approved.") if fn is approve_plan else self.tr("Plan returned."))
        self.comment.clear()
