"""Attachment content: kept by sha256 on the laptop, uploaded before its row, fetched after the pull."""

from __future__ import annotations

import hashlib

import pytest

from fieldcrm.services.attachments import AttachmentService
from fieldcrm.services.records import RecordService
from fieldcrm.storage.blobs import BlobStore, ContentMismatch
from fieldcrm.storage.validation import ValidationError
from fieldcrm.sync.wire import MAX_BLOB_BYTES


def photo_bytes(size: int, seed: str = "photo") -> bytes:
    """Bytes that differ all along (a cut or shifted piece would change the hash)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}-{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


def pending_entries(replica) -> list[tuple]:
    with replica.read() as s:
        return s.connection().exec_driver_sql("SELECT entity, op FROM outbox WHERE state = 'pending'").all()


def local_job(replica) -> str:
    records = RecordService(replica)
    account = records.create("account", {"name": "Acme Pumps"})
    return records.create("service_job", {"account_id": account["id"], "title": "Repair the pump"})["id"]


# -- on the laptop alone --------------------------------------------------------------


def test_the_store_keeps_content_under_its_hash_and_refuses_bytes_that_do_not_match_it(tmp_path):
    store = BlobStore(tmp_path)
    data = photo_bytes(70_000)
    (tmp_path / "photo.jpg").write_bytes(data)
    sha, size = store.add_file(tmp_path / "photo.jpg")
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert store.path_of(sha) == tmp_path / "blobs" / sha[:2] / sha
    assert store.path_of(sha).read_bytes() == data
    assert store.add_bytes(data) == (sha, size) and store.has(sha)

    other = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(ContentMismatch):
        store.write_verified(other, [data[:1000], data[1000:]])
    assert not store.has(other)
    assert sorted(p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()) == [sha]  # no leftovers
    assert store.path_of("../../etc/passwd") is None


def test_attaching_a_photo_offline_keeps_a_copy_and_queues_the_row(make_replica, tmp_path):
    replica = make_replica()
    job_id = local_job(replica)
    data = photo_bytes(5000)
    (tmp_path / "pump.jpg").write_bytes(data)
    service = AttachmentService(replica)

    row = service.attach("service_job", job_id, tmp_path / "pump.jpg")
    (tmp_path / "pump.jpg").unlink()  # the laptop's copy does not depend on the original

    assert (row["name"], row["mime"], row["size"], row["job_id"]) == ("pump.jpg", "image/jpeg", 5000, job_id)
    assert row["sha256"] == hashlib.sha256(data).hexdigest()
    assert service.content_path(row["id"]).read_bytes() == data
    assert [a["id"] for a in service.list_for("service_job", job_id)] == [row["id"]]
    assert pending_entries(replica)[-1] == ("attachment", "create")


def test_a_file_over_the_limit_is_refused_with_a_clear_message_and_nothing_is_queued(make_replica, tmp_path):
    replica = make_replica()
    job_id = local_job(replica)
    before = pending_entries(replica)
    big = tmp_path / "site-video.mp4"
    with open(big, "wb") as f:
        f.truncate(MAX_BLOB_BYTES + 1)

    with pytest.raises(ValidationError) as refused:
        AttachmentService(replica).attach("service_job", job_id, big)

    assert "site-video.mp4 is 25.0 MB; one attachment can be at most 25 MB" in str(refused.value)
    assert pending_entries(replica) == before
    assert [p for p in replica.profile_dir.rglob("*") if p.is_file() and "blobs" in p.parts] == []
