"""Attachments on the laptop: the copy a desktop program opens (inside the profile, whatever the name says) and the customer's signature."""

import pytest

from fieldcrm.services.attachments import AttachmentService
from fieldcrm.services.records import RecordService
from fieldcrm.storage.replica import Replica
from fieldcrm.storage.validation import ValidationError


@pytest.fixture
def job(tmp_path):
    """A replica with one job; yields (replica, records, job row)."""
    replica = Replica.open(tmp_path / "profile")
    records = RecordService(replica)
    account = records.create("account", {"name": "Acme Pumps"})
    yield replica, records, records.create("service_job", {"account_id": account["id"], "title": "Repair the pump"})
    replica.close()


def test_an_attachment_opens_from_a_copy_named_after_it_and_a_hostile_name_stays_inside(job, tmp_path):
    replica, records, job = job
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(b"\xff\xd8 the pump " * 100)
    service = AttachmentService(replica)

    plain = service.attach("service_job", job["id"], photo, name="Pump before.jpg")
    copy = service.named_copy(plain["id"])
    assert copy.name == "Pump before.jpg" and copy.read_bytes() == photo.read_bytes()
    assert service.named_copy(plain["id"]) == copy  # made once, found again

    # A name that came over the network may try to leave the folder.
    hostile = service.attach("service_job", job["id"], photo, name="../../../outside.jpg")
    copy = service.named_copy(hostile["id"])
    profile = (tmp_path / "profile").resolve()
    assert copy.resolve().is_relative_to(profile) and copy.name == "outside.jpg"
    assert not (tmp_path / "outside.jpg").exists()
    for name, expected in (("..", "file"), ("C:\\Users\\x\\a.png", "a.png"), ("con:tract?.pdf", "con_tract_.pdf")):
        row = records.update("attachment", hostile["id"], {"name": name})
        assert service.named_copy(row["id"]).name == expected


def test_a_signature_needs_a_name_and_strokes_and_keeps_nothing_otherwise(job):
    replica, records, job = job
    service = AttachmentService(replica)
    with pytest.raises(ValidationError) as refused:
        service.sign_job(job["id"], b"", "   ")
    assert refused.value.errors == {"signer": "is required", "signature": "nothing was signed"}
    assert records.list("attachment") == []
    assert records.get("service_job", job["id"])["signature_attachment_id"] is None

    row = service.sign_job(job["id"], b"\x89PNG strokes", "  Hank   Scorpio ")
    assert row["name"].startswith("Signature Hank Scorpio ") and row["job_id"] == job["id"]
    assert records.get("service_job", job["id"])["signature_attachment_id"] == row["id"]
    assert service.content_path(row["id"]).read_bytes() == b"\x89PNG strokes"
