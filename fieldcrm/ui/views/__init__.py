"""The pages of the main window, declared as data.

The main window shows whatever this table lists; adding a page means adding
a row here and a module beside this one, not editing the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from fieldcrm.ui.context import AppContext


def _t(text: str) -> str:
    return QCoreApplication.translate("Pages", text)


@dataclass(frozen=True)
class Page:
    key: str
    title: str  # untranslated
    make: Callable[[AppContext], QWidget]
    shortcut: str = ""
    in_navigation: bool = True


def _list(entity: str) -> Callable[[AppContext], QWidget]:
    def make(ctx: AppContext) -> QWidget:
        from fieldcrm.ui.views.record_list import RecordListView

        return RecordListView(ctx, entity)

    return make


def _today(ctx: AppContext) -> QWidget:
    from fieldcrm.ui.views.today import TodayView

    return TodayView(ctx)


def _account(ctx: AppContext) -> QWidget:
    from fieldcrm.ui.views.account_360 import AccountView

    return AccountView(ctx)


def _pipeline(ctx: AppContext) -> QWidget:
    from fieldcrm.ui.pipeline.view import PipelineView

    return PipelineView(ctx)


def _territory(ctx: AppContext) -> QWidget:
    from fieldcrm.ui.territory.view import TerritoryView

    return TerritoryView(ctx)


def _later(title: str, explanation: str) -> Callable[[AppContext], QWidget]:
    def make(ctx: AppContext) -> QWidget:
        from fieldcrm.ui.views.placeholder import PlaceholderPage

        return PlaceholderPage(_t(title), _t(explanation))

    return make


PAGES: tuple[Page, ...] = (
    Page("today", "Today", _today, "Ctrl+1"),
    Page("account", "Accounts", _list("account"), "Ctrl+2"),
    Page("contact", "Contacts", _list("contact"), "Ctrl+3"),
    Page("visit", "Visits", _list("visit"), "Ctrl+4"),
    Page("activity", "Activities", _list("activity"), "Ctrl+5"),
    Page("opportunity", "Opportunities", _list("opportunity"), "Ctrl+6"),
    Page("sales_order", "Orders", _list("sales_order"), "Ctrl+7"),
    Page("service_job", "Service jobs", _list("service_job"), "Ctrl+8"),
    Page("pipeline", "Pipeline", _pipeline, "Ctrl+9"),
    Page("territory", "Territory", _territory),
    Page("schedule", "Schedule", _later(
        "Schedule", "The week schedule and route planner is coming in a later version. "
        "Today's visits and jobs are on the Today page.")),
    Page("account-360", "Account", _account, in_navigation=False),
)

PAGE_BY_KEY = {p.key: p for p in PAGES}


def page_title(page: Page) -> str:
    return _t(page.title)
