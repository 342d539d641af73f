"""Attachment content: kept by sha256 on the laptop, uploaded before its row, fetched after the pull."""

from __future__ import annotations

import hashlib

import pytest

from fieldcrm.services.attachments import AttachmentService
from fieldcrm.services.records import RecordService
from fieldcrm.storage.blobs import BlobStore, ContentMismatch
from fieldcrm.storage.validation import ValidationError
from fieldcrm.sync.transport import ServerUnreachable, SyncError, Transport
from fieldcrm.sync.wire import BLOB_CHUNK_BYTES, MAX_BLOB_BYTES
from tests.sync.laptops import FAST_RETRY, Laptop, fieldcrm, quick_transport


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


# -- with a real server -----------------------------------------------------------------


def attach_photo(laptop: Laptop, job_id: str, size: int, name: str = "pump.jpg") -> tuple[dict, bytes]:
    data = photo_bytes(size, name)
    source = laptop.folder.parent / f"source-{name}"
    source.write_bytes(data)
    return AttachmentService(laptop.replica).attach("service_job", job_id, source), data


def test_a_photo_attached_offline_reaches_both_laptops_of_the_technician_and_a_manager_on_demand(
        server, org, laptops, keyring_env, tmp_path):
    rep = laptops("rep_north", org.passwords["rep_north"], "rep")
    tech_a = laptops("tech1", org.passwords["tech1"], "tech-a")
    tech_b = laptops("tech1", org.passwords["tech1"], "tech-b")
    manager = laptops("manager1", org.passwords["manager1"], "manager")
    for laptop in (rep, tech_a, tech_b, manager):
        laptop.sync()
    job_id = org.jobs["north_a"]

    row, data = attach_photo(rep, job_id, BLOB_CHUNK_BYTES + 300_000)  # offline: two pieces to send
    summary = rep.sync()
    assert summary.applied == 1 and rep.outbox() == []

    for tech in (tech_a, tech_b):
        tech.sync()
        on_tech = AttachmentService(tech.replica)
        assert [a["id"] for a in on_tech.list_for("service_job", job_id)] == [row["id"]]
        assert on_tech.content_path(row["id"]).read_bytes() == data  # fetched with the round: the tech's own job

    manager.sync()
    on_manager = AttachmentService(manager.replica)
    assert on_manager.records.get("attachment", row["id"])["sha256"] == row["sha256"]
    assert on_manager.content_path(row["id"]) is None  # not the manager's job: only on demand

    out = tmp_path / "downloaded.jpg"
    got = fieldcrm(manager.folder, keyring_env, "attachment", "get", row["id"], "--out", str(out))
    assert got.returncode == 0, got.stderr
    assert out.read_bytes() == data
    assert on_manager.content_path(row["id"]).read_bytes() == data  # kept for next time


def test_a_photo_the_technician_attaches_offline_reaches_the_technicians_other_laptop(server, org, laptops):
    tech_a = laptops("tech1", org.passwords["tech1"], "tech-a")
    tech_b = laptops("tech1", org.passwords["tech1"], "tech-b")
    tech_a.sync()
    row, data = attach_photo(tech_a, org.jobs["north_a"], 50_000)
    summary = tech_a.sync()
    assert summary.applied == 1, summary.parked_messages
    tech_b.sync()
    assert AttachmentService(tech_b.replica).content_path(row["id"]).read_bytes() == data


class CutAfterFirstPiece(Transport):
    """The laptop's transport whose connection drops after the first piece of an upload."""

    cut = True
    offsets: list[int] = []

    def put_blob_chunk(self, sha256, offset, size, chunk):
        CutAfterFirstPiece.offsets.append(offset)
        answer = super().put_blob_chunk(sha256, offset, size, chunk)
        if CutAfterFirstPiece.cut:
            CutAfterFirstPiece.cut = False
            raise ServerUnreachable("the connection dropped")
        return answer


def cut_transport(url, token, cancelled):
    return CutAfterFirstPiece(url, token=token, cancelled=cancelled, retry=FAST_RETRY, connect_timeout=2.0)


def test_an_upload_cut_in_the_middle_resumes_where_the_server_stopped_and_the_row_then_goes(
        server, org, keyring_env, tmp_path, laptops):
    CutAfterFirstPiece.cut, CutAfterFirstPiece.offsets = True, []
    rep = Laptop(tmp_path / "rep-cut", server.url, keyring_env, transport_factory=cut_transport)
    try:
        rep.login("rep_north", org.passwords["rep_north"])
        rep.sync()
        row, data = attach_photo(rep, org.jobs["north_a"], 2 * BLOB_CHUNK_BYTES + 123)  # three pieces

        stopped = rep.sync(expect_ok=False)
        assert stopped.error_kind == "unreachable"
        assert ("attachment", row["id"], "create", "pending", None) in rep.outbox()  # the row waits
        token = rep.credentials.load_token(server.url, "rep_north")
        status = quick_transport(server.url, token, lambda: False).blob_status(row["sha256"])
        assert (status["received"], status["complete"]) == (BLOB_CHUNK_BYTES, False)

        resumed = rep.sync()
        assert resumed.applied == 1 and rep.outbox() == []
        assert CutAfterFirstPiece.offsets == [0, BLOB_CHUNK_BYTES, 2 * BLOB_CHUNK_BYTES]  # not from zero again
    finally:
        rep.close()

    tech = laptops("tech1", org.passwords["tech1"], "tech")
    tech.sync()
    assert AttachmentService(tech.replica).content_path(row["id"]).read_bytes() == data


def test_a_failed_download_does_not_fail_the_round_and_is_fetched_next_round(server, org, laptops):
    rep = laptops("rep_north", org.passwords["rep_north"], "rep")  # the account's rep adds the quote to the job
    tech_b = laptops("tech1", org.passwords["tech1"], "tech-b")
    tech_b.sync()
    rep.sync()
    row, data = attach_photo(rep, org.jobs["north_a"], 20_000, "quote.pdf")
    rep.sync()

    store = BlobStore(tech_b.folder)
    in_the_way = store.root / row["sha256"][:2]
    store.root.mkdir()
    in_the_way.write_bytes(b"")  # a file where the content's folder goes: the disk refuses it this time
    assert tech_b.sync().ok
    assert AttachmentService(tech_b.replica).content_path(row["id"]) is None
    in_the_way.unlink()
    assert tech_b.sync().ok
    assert AttachmentService(tech_b.replica).content_path(row["id"]).read_bytes() == data


class RecordedStarts(Transport):
    """The laptop's transport, noting where each download asked to start and where the server's answer did."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked: list[int] = []
        self.starts: list[tuple[int, int]] = []

    def open_blob(self, sha256, start=0, chunk_bytes=256 * 1024):
        self.asked.append(start)
        offset, body = super().open_blob(sha256, start, chunk_bytes)
        self.starts.append((start, offset))
        return offset, body


def test_a_download_cut_off_goes_on_from_the_bytes_kept(server, org, laptops):
    """A manager on a bad connection opens a technician's large file: the
    connection breaks mid-file, and the next try fetches only the rest."""
    from tests.faults.proxy import Fault, FaultProxy

    from fieldcrm.sync.blobs import download_content

    rep = laptops("rep_north", org.passwords["rep_north"], "rep")
    manager = laptops("manager1", org.passwords["manager1"], "manager")
    rep.sync()
    row, data = attach_photo(rep, org.jobs["north_a"], 2 * BLOB_CHUNK_BYTES + 5000)
    assert rep.sync().applied == 1
    manager.sync()
    store = BlobStore(manager.folder)
    assert store.path_of(row["sha256"]) is None

    proxy = FaultProxy(server.port).start()
    try:
        proxy.plan = [Fault("cut", after_bytes=BLOB_CHUNK_BYTES + 70_000)]  # then the connection is fine
        token = manager.credentials.load_token(server.url, "manager1")
        transport = RecordedStarts(proxy.url, token=token, cancelled=lambda: False, retry=FAST_RETRY,
                                   connect_timeout=2.0)
        with pytest.raises(ServerUnreachable, match="cut off"):
            download_content(transport, store, row["sha256"])
        kept = store.partial_size(row["sha256"])
        assert 0 < kept < len(data)  # what arrived before the break is kept (in whole pieces)...
        assert store.path_of(row["sha256"]) is None  # ...but not as the file

        path = download_content(transport, store, row["sha256"])
        assert path.read_bytes() == data
        assert transport.starts == [(0, 0), (kept, kept)]  # the second try asked only for the rest
        assert store.partial_size(row["sha256"]) == 0
        transport.close()
    finally:
        proxy.stop()


def test_kept_bytes_that_do_not_match_are_dropped_and_the_file_fetched_whole(server, org, laptops):
    from fieldcrm.sync.blobs import download_content

    rep = laptops("rep_north", org.passwords["rep_north"], "rep")
    manager = laptops("manager1", org.passwords["manager1"], "manager")
    rep.sync()
    row, data = attach_photo(rep, org.jobs["north_a"], 300_000)
    rep.sync()
    manager.sync()
    store = BlobStore(manager.folder)
    partial = store.root / row["sha256"][:2] / (row["sha256"] + ".download")
    token = manager.credentials.load_token(server.url, "manager1")
    transport = RecordedStarts(server.url, token=token, cancelled=lambda: False, retry=FAST_RETRY,
                               connect_timeout=2.0)
    try:
        # Bytes kept from before that are not the file's (a disk fault): the hash catches it.
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"not the photo" * 1000)
        with pytest.raises(SyncError, match="arrived damaged"):
            download_content(transport, store, row["sha256"])
        assert not partial.exists() and store.path_of(row["sha256"]) is None
        assert download_content(transport, store, row["sha256"]).read_bytes() == data
        assert transport.asked == [13_000, 0]
        # More bytes kept than the file has (416 from the server): asked again from the start.
        other, other_data = attach_photo(rep, org.jobs["north_a"], 40_000, "readings.txt")
        rep.sync()
        manager.sync()
        longer = store.root / other["sha256"][:2] / (other["sha256"] + ".download")
        longer.parent.mkdir(parents=True, exist_ok=True)
        longer.write_bytes(b"x" * 50_000)
        assert download_content(transport, store, other["sha256"]).read_bytes() == other_data
        assert transport.asked[-2:] == [50_000, 0] and transport.starts[-1] == (0, 0)
    finally:
        transport.close()
