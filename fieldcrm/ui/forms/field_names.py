"""What a form calls each field: one table, marked for translation.

A field the table does not name (one a newer schema adds) is shown by its
column name made readable, untranslated.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

FIELD_NAMES: dict[str, str] = {
    "account_id": QT_TRANSLATE_NOOP("Fields", "Account"),
    "amount": QT_TRANSLATE_NOOP("Fields", "Amount"),
    "checkin_at": QT_TRANSLATE_NOOP("Fields", "Checked in at"),
    "checkout_at": QT_TRANSLATE_NOOP("Fields", "Checked out at"),
    "city": QT_TRANSLATE_NOOP("Fields", "City"),
    "company": QT_TRANSLATE_NOOP("Fields", "Company"),
    "contact_name": QT_TRANSLATE_NOOP("Fields", "Contact person"),
    "contact_id": QT_TRANSLATE_NOOP("Fields", "Contact"),
    "country": QT_TRANSLATE_NOOP("Fields", "Country"),
    "credit_amount": QT_TRANSLATE_NOOP("Fields", "Receivable"),
    "credit_limit": QT_TRANSLATE_NOOP("Fields", "Credit limit"),
    "currency": QT_TRANSLATE_NOOP("Fields", "Currency"),
    "done": QT_TRANSLATE_NOOP("Fields", "Done"),
    "due_at": QT_TRANSLATE_NOOP("Fields", "Due at"),
    "email": QT_TRANSLATE_NOOP("Fields", "Email"),
    "erp_blocked": QT_TRANSLATE_NOOP("Fields", "Blocked in the ERP"),
    "erp_number": QT_TRANSLATE_NOOP("Fields", "ERP number"),
    "erp_ref": QT_TRANSLATE_NOOP("Fields", "ERP reference"),
    "erp_state": QT_TRANSLATE_NOOP("Fields", "ERP status"),
    "expected_close": QT_TRANSLATE_NOOP("Fields", "Expected close"),
    "first_name": QT_TRANSLATE_NOOP("Fields", "First name"),
    "industry": QT_TRANSLATE_NOOP("Fields", "Industry"),
    "is_primary": QT_TRANSLATE_NOOP("Fields", "Primary contact"),
    "kind": QT_TRANSLATE_NOOP("Fields", "Kind"),
    "last_name": QT_TRANSLATE_NOOP("Fields", "Last name"),
    "lost_reason": QT_TRANSLATE_NOOP("Fields", "Lost reason"),
    "mobile": QT_TRANSLATE_NOOP("Fields", "Mobile"),
    "name": QT_TRANSLATE_NOOP("Fields", "Name"),
    "next_step": QT_TRANSLATE_NOOP("Fields", "Next step"),
    "notes": QT_TRANSLATE_NOOP("Fields", "Notes"),
    "objective": QT_TRANSLATE_NOOP("Fields", "Objective"),
    "order_date": QT_TRANSLATE_NOOP("Fields", "Order date"),
    "owner_id": QT_TRANSLATE_NOOP("Fields", "Owner"),
    "phone": QT_TRANSLATE_NOOP("Fields", "Phone"),
    "planned_end": QT_TRANSLATE_NOOP("Fields", "Planned end"),
    "planned_start": QT_TRANSLATE_NOOP("Fields", "Planned start"),
    "postal_code": QT_TRANSLATE_NOOP("Fields", "Postal code"),
    "priority": QT_TRANSLATE_NOOP("Fields", "Priority"),
    "probability": QT_TRANSLATE_NOOP("Fields", "Probability"),
    "problem": QT_TRANSLATE_NOOP("Fields", "Problem"),
    "region": QT_TRANSLATE_NOOP("Fields", "Region"),
    "rejection_reason": QT_TRANSLATE_NOOP("Fields", "Rejection reason"),
    "report": QT_TRANSLATE_NOOP("Fields", "Report"),
    "resolution": QT_TRANSLATE_NOOP("Fields", "Resolution"),
    "scheduled_end": QT_TRANSLATE_NOOP("Fields", "Scheduled end"),
    "scheduled_start": QT_TRANSLATE_NOOP("Fields", "Scheduled start"),
    "segment": QT_TRANSLATE_NOOP("Fields", "Segment"),
    "signed_by": QT_TRANSLATE_NOOP("Fields", "Signed by"),
    "source": QT_TRANSLATE_NOOP("Fields", "Source"),
    "stage": QT_TRANSLATE_NOOP("Fields", "Stage"),
    "status": QT_TRANSLATE_NOOP("Fields", "Status"),
    "street": QT_TRANSLATE_NOOP("Fields", "Street"),
    "subject": QT_TRANSLATE_NOOP("Fields", "Subject"),
    "technician_id": QT_TRANSLATE_NOOP("Fields", "Technician"),
    "territory_id": QT_TRANSLATE_NOOP("Fields", "Territory"),
    "title": QT_TRANSLATE_NOOP("Fields", "Title"),
    "total": QT_TRANSLATE_NOOP("Fields", "Total"),
    "total_tax": QT_TRANSLATE_NOOP("Fields", "Tax"),
    "total_untaxed": QT_TRANSLATE_NOOP("Fields", "Total before tax"),
    "type": QT_TRANSLATE_NOOP("Fields", "Type"),
    "visit_frequency_days": QT_TRANSLATE_NOOP("Fields", "Visit every (days)"),
    "website": QT_TRANSLATE_NOOP("Fields", "Website"),
    "window_end": QT_TRANSLATE_NOOP("Fields", "Window end"),
    "window_start": QT_TRANSLATE_NOOP("Fields", "Window start"),
}


def field_label(name: str) -> str:
    """The translated name of a field, e.g. ``postal_code`` → "Postal code" / "PLZ"."""
    known = FIELD_NAMES.get(name)
    if known is not None:
        return QCoreApplication.translate("Fields", known)
    text = name.removesuffix("_id").replace("_", " ")
    text = text[:1].upper() + text[1:]
    return text.replace("Erp ", "ERP ").replace(" erp ", " ERP ")
