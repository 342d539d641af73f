"""How the desktop app names and lists each record type: declared as data.

Titles are marked for extraction (``QT_TRANSLATE_NOOP``) and translated when
asked for (``QCoreApplication.translate``), so a language change needs no
restart of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from fieldcrm.ui.changes import Change
from fieldcrm.ui.formats import calendar_date, money, when
from fieldcrm.ui.labels import labelled, yes_blank
from fieldcrm.ui.lazy_table import CENTER, LEFT, RIGHT, Column


def _t(text: str) -> str:
    return QCoreApplication.translate("Entities", text)


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str  # untranslated; translated when the list is built
    width: int = 120
    align: Any = LEFT
    formatter: Callable[[Any], str] | None = None
    sortable: bool = True

    def column(self) -> Column:
        return Column(self.key, _t(self.title), self.width, self.align, self.formatter, self.sortable)


@dataclass(frozen=True)
class EntityUi:
    entity: str
    singular: str
    plural: str
    change: Change
    columns: tuple[ColumnSpec, ...]
    #: The choice field offered as a quick filter in the list, if any.
    quick_filter: str | None = None
    # The name inside a sentence ("New account", "Filter accounts…"): lower
    # case in English, as the language writes it in translations.
    noun: str = ""
    noun_plural: str = ""

    def title(self) -> str:
        return _t(self.singular)

    def title_plural(self) -> str:
        return _t(self.plural)

    def in_sentence(self) -> str:
        return _t(self.noun)

    def in_sentence_plural(self) -> str:
        return _t(self.noun_plural)


ACCOUNT_NAME = ColumnSpec("account_name", QT_TRANSLATE_NOOP("Entities", "Account"), 220, sortable=False)
OWNER_NAME = ColumnSpec("owner_name", QT_TRANSLATE_NOOP("Entities", "Owner"), 140, sortable=False)

ENTITY_UI: dict[str, EntityUi] = {e.entity: e for e in (
    EntityUi("account", QT_TRANSLATE_NOOP("Entities", "Account"),
             QT_TRANSLATE_NOOP("Entities", "Accounts"), Change.ACCOUNTS, (
        ColumnSpec("name", QT_TRANSLATE_NOOP("Entities", "Name"), 260),
        ColumnSpec("type", QT_TRANSLATE_NOOP("Entities", "Type"), 90, formatter=labelled("account", "type")),
        ColumnSpec("city", QT_TRANSLATE_NOOP("Entities", "City"), 140),
        ColumnSpec("industry", QT_TRANSLATE_NOOP("Entities", "Industry"), 140),
        ColumnSpec("phone", QT_TRANSLATE_NOOP("Entities", "Phone"), 130),
        ColumnSpec("credit_limit", QT_TRANSLATE_NOOP("Entities", "Credit limit"), 110, RIGHT, money),
        ColumnSpec("erp_blocked", QT_TRANSLATE_NOOP("Entities", "Blocked"), 70, CENTER, yes_blank),
    ), quick_filter="type",
       noun=QT_TRANSLATE_NOOP("Entities", "account"), noun_plural=QT_TRANSLATE_NOOP("Entities", "accounts")),
    EntityUi("contact", QT_TRANSLATE_NOOP("Entities", "Contact"),
             QT_TRANSLATE_NOOP("Entities", "Contacts"), Change.CONTACTS, (
        ColumnSpec("last_name", QT_TRANSLATE_NOOP("Entities", "Last name"), 150),
        ColumnSpec("first_name", QT_TRANSLATE_NOOP("Entities", "First name"), 130),
        ACCOUNT_NAME,
        ColumnSpec("title", QT_TRANSLATE_NOOP("Entities", "Title"), 140),
        ColumnSpec("email", QT_TRANSLATE_NOOP("Entities", "Email"), 200),
        ColumnSpec("phone", QT_TRANSLATE_NOOP("Entities", "Phone"), 130),
    ),
       noun=QT_TRANSLATE_NOOP("Entities", "contact"), noun_plural=QT_TRANSLATE_NOOP("Entities", "contacts")),
    EntityUi("visit", QT_TRANSLATE_NOOP("Entities", "Visit"),
             QT_TRANSLATE_NOOP("Entities", "Visits"), Change.VISITS, (
        ColumnSpec("planned_start", QT_TRANSLATE_NOOP("Entities", "Planned"), 140, formatter=when),
        ACCOUNT_NAME,
        ColumnSpec("status", QT_TRANSLATE_NOOP("Entities", "Status"), 100, formatter=labelled("visit", "status")),
        ColumnSpec("objective", QT_TRANSLATE_NOOP("Entities", "Objective"), 260),
        OWNER_NAME,
    ), quick_filter="status",
       noun=QT_TRANSLATE_NOOP("Entities", "visit"), noun_plural=QT_TRANSLATE_NOOP("Entities", "visits")),
    EntityUi("activity", QT_TRANSLATE_NOOP("Entities", "Activity"),
             QT_TRANSLATE_NOOP("Entities", "Activities"), Change.ACTIVITIES, (
        ColumnSpec("due_at", QT_TRANSLATE_NOOP("Entities", "Due"), 140, formatter=when),
        ColumnSpec("kind", QT_TRANSLATE_NOOP("Entities", "Kind"), 80, formatter=labelled("activity", "kind")),
        ColumnSpec("subject", QT_TRANSLATE_NOOP("Entities", "Subject"), 260),
        ACCOUNT_NAME,
        ColumnSpec("done", QT_TRANSLATE_NOOP("Entities", "Done"), 60, CENTER, yes_blank),
    ), quick_filter="kind",
       noun=QT_TRANSLATE_NOOP("Entities", "activity"), noun_plural=QT_TRANSLATE_NOOP("Entities", "activities")),
    EntityUi("lead", QT_TRANSLATE_NOOP("Entities", "Lead"),
             QT_TRANSLATE_NOOP("Entities", "Leads"), Change.LEADS, (
        ColumnSpec("company", QT_TRANSLATE_NOOP("Entities", "Company"), 240),
        ColumnSpec("contact_name", QT_TRANSLATE_NOOP("Entities", "Contact person"), 170),
        ColumnSpec("status", QT_TRANSLATE_NOOP("Entities", "Status"), 100, formatter=labelled("lead", "status")),
        ColumnSpec("source", QT_TRANSLATE_NOOP("Entities", "Source"), 190, formatter=labelled("lead", "source")),
        ColumnSpec("city", QT_TRANSLATE_NOOP("Entities", "City"), 130),
        OWNER_NAME,
    ), quick_filter="status",
       noun=QT_TRANSLATE_NOOP("Entities", "lead"), noun_plural=QT_TRANSLATE_NOOP("Entities", "leads")),
    EntityUi("opportunity", QT_TRANSLATE_NOOP("Entities", "Opportunity"),
             QT_TRANSLATE_NOOP("Entities", "Opportunities"), Change.OPPORTUNITIES | Change.PIPELINE, (
        ColumnSpec("name", QT_TRANSLATE_NOOP("Entities", "Name"), 240),
        ACCOUNT_NAME,
        ColumnSpec("stage", QT_TRANSLATE_NOOP("Entities", "Stage"), 110,
                   formatter=labelled("opportunity", "stage")),
        ColumnSpec("amount", QT_TRANSLATE_NOOP("Entities", "Amount"), 110, RIGHT, money),
        ColumnSpec("probability", QT_TRANSLATE_NOOP("Entities", "%"), 50, RIGHT),
        ColumnSpec("expected_close", QT_TRANSLATE_NOOP("Entities", "Expected close"), 120,
                   formatter=calendar_date),
    ), quick_filter="stage",
       noun=QT_TRANSLATE_NOOP("Entities", "opportunity"),
       noun_plural=QT_TRANSLATE_NOOP("Entities", "opportunities")),
    EntityUi("sales_order", QT_TRANSLATE_NOOP("Entities", "Order"),
             QT_TRANSLATE_NOOP("Entities", "Orders"), Change.ORDERS, (
        ColumnSpec("order_date", QT_TRANSLATE_NOOP("Entities", "Date"), 100, formatter=calendar_date),
        ColumnSpec("kind", QT_TRANSLATE_NOOP("Entities", "Kind"), 70, formatter=labelled("sales_order", "kind")),
        ACCOUNT_NAME,
        ColumnSpec("status", QT_TRANSLATE_NOOP("Entities", "Status"), 100,
                   formatter=labelled("sales_order", "status")),
        ColumnSpec("erp_number", QT_TRANSLATE_NOOP("Entities", "ERP number"), 120),
        ColumnSpec("erp_state", QT_TRANSLATE_NOOP("Entities", "ERP status"), 110),
        ColumnSpec("total", QT_TRANSLATE_NOOP("Entities", "Total"), 110, RIGHT, money),
    ), quick_filter="status",
       noun=QT_TRANSLATE_NOOP("Entities", "order"), noun_plural=QT_TRANSLATE_NOOP("Entities", "orders")),
    EntityUi("service_job", QT_TRANSLATE_NOOP("Entities", "Service job"),
             QT_TRANSLATE_NOOP("Entities", "Service jobs"), Change.JOBS, (
        ColumnSpec("scheduled_start", QT_TRANSLATE_NOOP("Entities", "Scheduled"), 140, formatter=when),
        ColumnSpec("title", QT_TRANSLATE_NOOP("Entities", "Title"), 240),
        ACCOUNT_NAME,
        ColumnSpec("priority", QT_TRANSLATE_NOOP("Entities", "Priority"), 80,
                   formatter=labelled("service_job", "priority")),
        ColumnSpec("status", QT_TRANSLATE_NOOP("Entities", "Status"), 100,
                   formatter=labelled("service_job", "status")),
        ColumnSpec("technician_name", QT_TRANSLATE_NOOP("Entities", "Technician"), 140, sortable=False),
    ), quick_filter="status",
       noun=QT_TRANSLATE_NOOP("Entities", "service job"),
       noun_plural=QT_TRANSLATE_NOOP("Entities", "service jobs")),
)}

#: Child rows announce a change of their parent's kind.
CHILD_CHANGES = {
    "opportunity_line": Change.OPPORTUNITIES | Change.PIPELINE,
    "sales_order_line": Change.ORDERS,
    "job_checklist_item": Change.JOBS,
    "job_part": Change.JOBS,
    "job_time_entry": Change.JOBS,
    "attachment": Change.ATTACHMENTS,
}


def change_of(entity: str) -> Change:
    """What the change bus announces after a write to ``entity``."""
    ui = ENTITY_UI.get(entity)
    return (ui.change if ui else CHILD_CHANGES.get(entity, Change.NONE)) | Change.SYNC


def entity_title(entity: str) -> str:
    ui = ENTITY_UI.get(entity)
    return ui.title() if ui else entity.replace("_", " ")


def entity_noun(entity: str) -> str:
    """The record type's name inside a sentence ("account" / "Kunde")."""
    ui = ENTITY_UI.get(entity)
    return ui.in_sentence() if ui else entity.replace("_", " ")
