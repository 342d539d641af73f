"""Today: the day's visits, jobs and tasks, what is overdue, what changed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from fieldcrm.services.view_today import plan_of_day
from fieldcrm.ui.changes import Change
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.entities import entity_title
from fieldcrm.ui.formats import LONG_DAY, day_text, hour, when
from fieldcrm.ui.labels import labelled
from fieldcrm.ui.views.account_360 import RecordTable

WATCHED = Change.VISITS | Change.JOBS | Change.ACTIVITIES | Change.SYNC


def _kind(entity: str) -> str:
    return entity_title(entity)


class TodayView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("today")
        self.heading = QLabel(objectName="today-heading")
        self.visits = RecordTable(ctx, "visit", (
            ("planned_start", QT_TRANSLATE_NOOP("RecordTable", "Time"), hour),
            ("account_name", QT_TRANSLATE_NOOP("RecordTable", "Account"), None),
            ("objective", QT_TRANSLATE_NOOP("RecordTable", "Objective"), None),
            ("status", QT_TRANSLATE_NOOP("RecordTable", "Status"), labelled("visit", "status"))), "today-visits")
        self.jobs = RecordTable(ctx, "service_job", (
            ("scheduled_start", QT_TRANSLATE_NOOP("RecordTable", "Time"), hour),
            ("account_name", QT_TRANSLATE_NOOP("RecordTable", "Account"), None),
            ("title", QT_TRANSLATE_NOOP("RecordTable", "Job"), None),
            ("status", QT_TRANSLATE_NOOP("RecordTable", "Status"), labelled("service_job", "status"))),
            "today-jobs")
        self.tasks = RecordTable(ctx, "activity", (
            ("due_at", QT_TRANSLATE_NOOP("RecordTable", "Due"), hour),
            ("kind", QT_TRANSLATE_NOOP("RecordTable", "Kind"), labelled("activity", "kind")),
            ("subject", QT_TRANSLATE_NOOP("RecordTable", "Subject"), None),
            ("account_name", QT_TRANSLATE_NOOP("RecordTable", "Account"), None)), "today-tasks")
        self.overdue = RecordTable(ctx, "activity", (
            ("entity", QT_TRANSLATE_NOOP("RecordTable", "What"), _kind),
            ("account_name", QT_TRANSLATE_NOOP("RecordTable", "Account"), None),
            ("label", QT_TRANSLATE_NOOP("RecordTable", "Title"), None),
            ("since", QT_TRANSLATE_NOOP("RecordTable", "Since"), when)), "today-overdue")
        self.changes = RecordTable(ctx, "account", (
            ("entity", QT_TRANSLATE_NOOP("RecordTable", "What"), _kind),
            ("title", QT_TRANSLATE_NOOP("RecordTable", "Title"), None),
            ("when", QT_TRANSLATE_NOOP("RecordTable", "Changed"), when)),
            "today-changes")
        self.boxes: dict[str, QGroupBox] = {}
        grid = QGridLayout()
        for index, (key, title, table) in enumerate((
                ("visits", self.tr("Visits"), self.visits), ("jobs", self.tr("Service jobs"), self.jobs),
                ("tasks", self.tr("Tasks"), self.tasks), ("overdue", self.tr("Overdue"), self.overdue),
                ("changes", self.tr("Changed since the last sync"), self.changes))):
            box = QGroupBox(title, objectName=f"box-{key}")
            QVBoxLayout(box).addWidget(table)
            self.boxes[key] = box
            grid.addWidget(box, index // 2, index % 2, 1, 2 if key == "changes" else 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(grid, 1)
        ctx.bus.subscribe(WATCHED, lambda _c: self.reload(), owner=self)
        self.reload()

    def reload(self) -> None:
        self.ctx.call(plan_of_day, dt.date.today(), done=self._show)

    def _show(self, plan: dict) -> None:
        day = dt.date.fromisoformat(plan["day"])
        self.heading.setText("<h2>{}</h2>".format(self.tr("Today — {day}").format(day=day_text(day, LONG_DAY))))
        for row in plan["overdue"]:
            row["label"] = row.get("objective") or row.get("title") or row.get("subject") or ""
            row["since"] = row.get("planned_start") or row.get("scheduled_start") or row.get("due_at")
        for key, table in (("visits", self.visits), ("jobs", self.jobs), ("tasks", self.tasks),
                           ("overdue", self.overdue), ("changes", self.changes)):
            table.show_rows(plan[key])
            title = self.boxes[key].title().split(" (")[0]
            self.boxes[key].setTitle(f"{title} ({len(plan[key])})")
