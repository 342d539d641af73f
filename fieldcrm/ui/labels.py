"""What a person reads for a stored choice value: one table for the whole app.

Records keep their choice fields as plain stored values (``customer``,
``checked_in``, ``negotiation``); lists, forms, filters, the 360° page, Today
and the pipeline show :func:`value_label` of them instead. Each entity has its
own translation context, so the same English word can read differently in
another language (a visit is *abgesagt*, an order *storniert*).

The labels are marked with ``QT_TRANSLATE_NOOP`` for extraction and
translated when asked for, so a language change needs no restart.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

# entity → field → stored value → English label, and the context it is translated in.
CHOICE_LABELS: dict[str, tuple[str, dict[str, dict[str, str]]]] = {
    "account": ("AccountChoices", {
        "type": {
            "customer": QT_TRANSLATE_NOOP("AccountChoices", "Customer"),
            "prospect": QT_TRANSLATE_NOOP("AccountChoices", "Prospect"),
            "partner": QT_TRANSLATE_NOOP("AccountChoices", "Partner"),
        },
    }),
    "user": ("UserChoices", {
        "role": {
            "rep": QT_TRANSLATE_NOOP("UserChoices", "Sales rep"),
            "technician": QT_TRANSLATE_NOOP("UserChoices", "Technician"),
            "manager": QT_TRANSLATE_NOOP("UserChoices", "Manager"),
            "admin": QT_TRANSLATE_NOOP("UserChoices", "Administrator"),
        },
    }),
    "visit_plan": ("VisitPlanChoices", {
        "status": {
            "draft": QT_TRANSLATE_NOOP("VisitPlanChoices", "Draft"),
            "submitted": QT_TRANSLATE_NOOP("VisitPlanChoices", "Submitted"),
            "approved": QT_TRANSLATE_NOOP("VisitPlanChoices", "Approved"),
            "returned": QT_TRANSLATE_NOOP("VisitPlanChoices", "Returned"),
        },
    }),
    "visit": ("VisitChoices", {
        "status": {
            "planned": QT_TRANSLATE_NOOP("VisitChoices", "Planned"),
            "checked_in": QT_TRANSLATE_NOOP("VisitChoices", "Checked in"),
            "done": QT_TRANSLATE_NOOP("VisitChoices", "Done"),
            "missed": QT_TRANSLATE_NOOP("VisitChoices", "Missed"),
            "cancelled": QT_TRANSLATE_NOOP("VisitChoices", "Cancelled"),
        },
    }),
    "activity": ("ActivityChoices", {
        "kind": {
            "call": QT_TRANSLATE_NOOP("ActivityChoices", "Call"),
            "meeting": QT_TRANSLATE_NOOP("ActivityChoices", "Meeting"),
            "email": QT_TRANSLATE_NOOP("ActivityChoices", "Email"),
            "task": QT_TRANSLATE_NOOP("ActivityChoices", "Task"),
            "note": QT_TRANSLATE_NOOP("ActivityChoices", "Note"),
        },
    }),
    "opportunity": ("OpportunityChoices", {
        "stage": {
            "prospecting": QT_TRANSLATE_NOOP("OpportunityChoices", "Prospecting"),
            "qualification": QT_TRANSLATE_NOOP("OpportunityChoices", "Qualification"),
            "proposal": QT_TRANSLATE_NOOP("OpportunityChoices", "Proposal"),
            "negotiation": QT_TRANSLATE_NOOP("OpportunityChoices", "Negotiation"),
            "won": QT_TRANSLATE_NOOP("OpportunityChoices", "Won"),
            "lost": QT_TRANSLATE_NOOP("OpportunityChoices", "Lost"),
        },
    }),
    "lead": ("LeadChoices", {
        "source": {
            "web": QT_TRANSLATE_NOOP("LeadChoices", "Web enquiry"),
            "event": QT_TRANSLATE_NOOP("LeadChoices", "Trade fair or event"),
            "referral": QT_TRANSLATE_NOOP("LeadChoices", "Referral"),
            "campaign": QT_TRANSLATE_NOOP("LeadChoices", "Campaign"),
            "call": QT_TRANSLATE_NOOP("LeadChoices", "Phone call"),
            "other": QT_TRANSLATE_NOOP("LeadChoices", "Other"),
        },
        "status": {
            "new": QT_TRANSLATE_NOOP("LeadChoices", "New"),
            "contacted": QT_TRANSLATE_NOOP("LeadChoices", "Contacted"),
            "qualified": QT_TRANSLATE_NOOP("LeadChoices", "Qualified"),
            "disqualified": QT_TRANSLATE_NOOP("LeadChoices", "Disqualified"),
            "converted": QT_TRANSLATE_NOOP("LeadChoices", "Converted"),
        },
    }),
    "sales_order": ("OrderChoices", {
        "kind": {
            "quote": QT_TRANSLATE_NOOP("OrderChoices", "Quote"),
            "order": QT_TRANSLATE_NOOP("OrderChoices", "Order"),
        },
        "status": {
            "draft": QT_TRANSLATE_NOOP("OrderChoices", "Draft"),
            "submitted": QT_TRANSLATE_NOOP("OrderChoices", "Submitted"),
            "accepted": QT_TRANSLATE_NOOP("OrderChoices", "Accepted"),
            "rejected": QT_TRANSLATE_NOOP("OrderChoices", "Rejected"),
            "confirmed": QT_TRANSLATE_NOOP("OrderChoices", "Confirmed"),
            "cancelled": QT_TRANSLATE_NOOP("OrderChoices", "Cancelled"),
        },
    }),
    "service_job": ("ServiceJobChoices", {
        "kind": {
            "installation": QT_TRANSLATE_NOOP("ServiceJobChoices", "Installation"),
            "repair": QT_TRANSLATE_NOOP("ServiceJobChoices", "Repair"),
            "maintenance": QT_TRANSLATE_NOOP("ServiceJobChoices", "Maintenance"),
            "inspection": QT_TRANSLATE_NOOP("ServiceJobChoices", "Inspection"),
        },
        "priority": {
            "low": QT_TRANSLATE_NOOP("ServiceJobChoices", "Low"),
            "normal": QT_TRANSLATE_NOOP("ServiceJobChoices", "Normal"),
            "high": QT_TRANSLATE_NOOP("ServiceJobChoices", "High"),
            "urgent": QT_TRANSLATE_NOOP("ServiceJobChoices", "Urgent"),
        },
        "status": {
            "new": QT_TRANSLATE_NOOP("ServiceJobChoices", "New"),
            "scheduled": QT_TRANSLATE_NOOP("ServiceJobChoices", "Scheduled"),
            "en_route": QT_TRANSLATE_NOOP("ServiceJobChoices", "En route"),
            "in_progress": QT_TRANSLATE_NOOP("ServiceJobChoices", "In progress"),
            "on_hold": QT_TRANSLATE_NOOP("ServiceJobChoices", "On hold"),
            "completed": QT_TRANSLATE_NOOP("ServiceJobChoices", "Completed"),
            "cancelled": QT_TRANSLATE_NOOP("ServiceJobChoices", "Cancelled"),
        },
    }),
    "job_time_entry": ("JobTimeChoices", {
        "kind": {
            "work": QT_TRANSLATE_NOOP("JobTimeChoices", "Work"),
            "travel": QT_TRANSLATE_NOOP("JobTimeChoices", "Travel"),
        },
    }),
}

YES = QT_TRANSLATE_NOOP("Choices", "Yes")


def value_label(entity: str, field: str, value: Any) -> str:
    """The translated label of a stored choice value; a value the table does not
    know (a newer server's) is shown readable but untranslated."""
    if value is None or value == "":
        return ""
    context, fields = CHOICE_LABELS.get(entity, ("", {}))
    text = fields.get(field, {}).get(str(value))
    if text is None:
        text = str(value).replace("_", " ")
        return text[:1].upper() + text[1:]
    return QCoreApplication.translate(context, text)


def labelled(entity: str, field: str) -> Callable[[Any], str]:
    """A column formatter that shows ``field`` of ``entity`` by its label."""
    return lambda value: value_label(entity, field, value)


def yes_blank(value: Any) -> str:
    """A true flag as "Yes"; false stays blank so the set ones stand out."""
    return QCoreApplication.translate("Choices", YES) if value else ""
