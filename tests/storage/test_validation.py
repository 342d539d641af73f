"""People get a message per field, never a stack trace; nothing is written."""

import pytest

from fieldcrm.services.records import NotFound
from fieldcrm.storage.validation import ValidationError


def test_every_bad_field_is_named(records):
    account = records.create("account", {"name": "Acme"})
    with pytest.raises(ValidationError) as err:
        records.create("opportunity", {
            "account_id": account["id"], "owner_id": "u1", "name": "Big deal",
            "probability": "140", "amount": "-5", "stage": "maybe", "expected_close": "next week",
        })
    assert err.value.errors == {
        "probability": "must be between 0 and 100",
        "amount": "must not be negative",
        "stage": "must be one of: prospecting, qualification, proposal, negotiation, won, lost (got 'maybe')",
        "expected_close": "expected a date as YYYY-MM-DD, got 'next week'",
    }
    assert records.list("opportunity") == []


def test_required_fields_and_missing_parent(records):
    with pytest.raises(ValidationError) as err:
        records.create("contact", {"first_name": "Ann"})
    assert err.value.errors == {"account_id": "is required", "last_name": "is required"}
    with pytest.raises(ValidationError) as err:
        records.create("contact", {"account_id": "no-such-account", "last_name": "Lee"})
    assert err.value.errors == {"account_id": "no account with id no-such-account"}
    assert records.list("contact") == []


def test_time_window_must_end_after_it_starts(records):
    account = records.create("account", {"name": "Acme"})
    with pytest.raises(ValidationError) as err:
        records.create("service_job", {
            "account_id": account["id"], "title": "Fix pump",
            "window_start": "2026-12-01T14:00:00Z", "window_end": "2026-12-01T13:00:00Z",
        })
    assert err.value.errors == {"window_end": "must be after window start"}
    job = records.create("service_job", {
        "account_id": account["id"], "title": "Fix pump",
        "window_start": "2026-12-01T13:00:00Z", "window_end": "2026-12-01T15:00:00Z",
    })
    # An update is checked against the stored other end of the window.
    with pytest.raises(ValidationError) as err:
        records.update("service_job", job["id"], {"window_end": "2026-12-01T12:00:00Z"})
    assert "window_end" in err.value.errors
    assert records.get("service_job", job["id"])["window_end"] == "2026-12-01T15:00:00.000000Z"


def test_unknown_fields_and_records(records):
    with pytest.raises(ValidationError) as err:
        records.create("account", {"name": "Acme", "colour": "red"})
    assert err.value.errors == {"colour": "is not a field of account"}
    with pytest.raises(NotFound):
        records.update("account", "missing", {"name": "x"})


def test_probability_defaults_from_the_stage(records):
    account = records.create("account", {"name": "Acme"})
    opp = records.create("opportunity", {"account_id": account["id"], "owner_id": "u1",
                                          "name": "Pumps", "stage": "proposal"})
    assert opp["probability"] == 50


def test_email_and_web_addresses_must_look_like_one(records):
    with pytest.raises(ValidationError) as err:
        records.create("account", {"name": "Acme", "email": "sales at acme", "website": "not a site"})
    assert err.value.errors == {
        "email": "is not an email address (expected name@example.com)",
        "website": "is not a web address (expected www.example.com)",
    }
    row = records.create("account", {"name": "Acme", "email": "sales@acme.example", "website": "www.acme.example"})
    assert row["email"] == "sales@acme.example"
