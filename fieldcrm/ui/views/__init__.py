"""The pages of the main window, declared as data.

The main window shows whatever this table lists; adding a page means adding
a row here and a module beside this one, not editing the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
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
    #: Made while the window is idle after it opens, so opening it is quick.
    prepare: bool = False
    # For a page not in the navigation: the entry shown as current while it is
    # open (an account's page belongs under Accounts).
    under: str = ""


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


def _schedule(ctx: AppContext) -> QWidget:
    from fieldcrm.ui.schedule.view import ScheduleView

    return ScheduleView(ctx)


PAGES: tuple[Page, ...] = (
    Page("today", QT_TRANSLATE_NOOP("Pages", "Today"), _today, "Ctrl+1"),
    Page("account", QT_TRANSLATE_NOOP("Pages", "Accounts"), _list("account"), "Ctrl+2"),
    Page("contact", QT_TRANSLATE_NOOP("Pages", "Contacts"), _list("contact"), "Ctrl+3"),
    Page("visit", QT_TRANSLATE_NOOP("Pages", "Visits"), _list("visit"), "Ctrl+4"),
    Page("activity", QT_TRANSLATE_NOOP("Pages", "Activities"), _list("activity"), "Ctrl+5"),
    Page("lead", QT_TRANSLATE_NOOP("Pages", "Leads"), _list("lead")),
    Page("opportunity", QT_TRANSLATE_NOOP("Pages", "Opportunities"), _list("opportunity"), "Ctrl+6"),
    Page("sales_order", QT_TRANSLATE_NOOP("Pages", "Orders"), _list("sales_order"), "Ctrl+7"),
    Page("service_job", QT_TRANSLATE_NOOP("Pages", "Service jobs"), _list("service_job"), "Ctrl+8"),
    Page("pipeline", QT_TRANSLATE_NOOP("Pages", "Pipeline"), _pipeline, "Ctrl+9"),
    Page("territory", QT_TRANSLATE_NOOP("Pages", "Territory"), _territory),
    Page("schedule", QT_TRANSLATE_NOOP("Pages", "Schedule"), _schedule),
    Page("account-360", QT_TRANSLATE_NOOP("Pages", "Account"), _account, in_navigation=False,
         prepare=True, under="account"),
)

PAGE_BY_KEY = {p.key: p for p in PAGES}


def page_title(page: Page) -> str:
    return _t(page.title)
