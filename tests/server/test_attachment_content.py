"""Attachment content: resumable uploads by sha256, downloads within scope, pushes that wait for it."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from urllib.parse import urlsplit

import requests

from fieldcrm.sync.wire import BLOB_CHUNK_BYTES, MAX_BLOB_BYTES
from tests.support.pages import mutation
from tests.support.server import ApiClient, admin, login, start_server

BLOBS = "/api/v1/blobs"
NOT_UPLOADED = "the attachment's file has not reached the server; sync again to send it"


def put(client: ApiClient, sha: str, offset: int, size: int, chunk: bytes) -> requests.Response:
    return client.http.put(f"{client.url}{BLOBS}/{sha}", params={"offset": offset, "size": size}, data=chunk,
                           headers={"Content-Type": "application/octet-stream"}, timeout=60)


def status(client: ApiClient, sha: str) -> dict:
    r = client.get(f"{BLOBS}/{sha}/status")
    assert r.status_code == 200, r.text
    return r.json()


def upload(client: ApiClient, content: bytes) -> str:
    sha = hashlib.sha256(content).hexdigest()
    offset = status(client, sha)["received"]
    while True:
        r = put(client, sha, offset, len(content), content[offset:offset + BLOB_CHUNK_BYTES])
        assert r.status_code == 200, r.text
        if r.json()["complete"]:
            return sha
        offset = r.json()["received"]


def drop_mid_request(client: ApiClient, sha: str, offset: int, size: int, chunk: bytes) -> None:
    """Send a chunk's headers and half its bytes, then cut the connection (a laptop going offline)."""
    where = urlsplit(client.url)
    head = (f"PUT {BLOBS}/{sha}?offset={offset}&size={size} HTTP/1.1\r\nHost: {where.netloc}\r\n"
            f"Authorization: Bearer {client.token}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {len(chunk)}\r\n\r\n").encode()
    with socket.create_connection((where.hostname, where.port), timeout=30) as s:
        s.sendall(head + chunk[:len(chunk) // 2])


def attachment(sha: str, size: int, **links) -> dict:
    return mutation("attachment", str(uuid.uuid4()), "create",
                    {"sha256": sha, "name": "pump.jpg", "mime": "image/jpeg", "size": size, **links})


def test_an_upload_cut_off_midway_goes_on_from_where_the_server_stopped(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    content = os.urandom(2 * BLOB_CHUNK_BYTES + 1000)
    sha = hashlib.sha256(content).hexdigest()
    assert status(rep, sha) == {"sha256": sha, "size": None, "received": 0, "complete": False}

    first = put(rep, sha, 0, len(content), content[:BLOB_CHUNK_BYTES])
    assert first.status_code == 200
    assert first.json() == {"sha256": sha, "size": len(content), "received": BLOB_CHUNK_BYTES, "complete": False}

    # The middle chunk is cut off on the way; the next one arrives at the wrong offset.
    drop_mid_request(rep, sha, BLOB_CHUNK_BYTES, len(content), content[BLOB_CHUNK_BYTES:2 * BLOB_CHUNK_BYTES])
    skipped = put(rep, sha, 2 * BLOB_CHUNK_BYTES, len(content), content[2 * BLOB_CHUNK_BYTES:])
    assert skipped.status_code == 409
    assert skipped.json()["received"] == BLOB_CHUNK_BYTES and skipped.json()["detail"]
    other_size = put(rep, sha, BLOB_CHUNK_BYTES, len(content) + 1, content[BLOB_CHUNK_BYTES:2 * BLOB_CHUNK_BYTES])
    assert other_size.status_code == 409 and other_size.json()["received"] == BLOB_CHUNK_BYTES

    # Status says where to go on; the rest completes the file.
    assert status(rep, sha)["received"] == BLOB_CHUNK_BYTES
    assert upload(rep, content) == sha
    assert status(rep, sha) == {"sha256": sha, "size": len(content), "received": len(content), "complete": True}
    again = put(rep, sha, 0, len(content), content[:BLOB_CHUNK_BYTES])
    assert again.status_code == 200 and again.json()["complete"] is True

    download = rep.get(f"{BLOBS}/{sha}")
    assert download.status_code == 200 and download.content == content
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Length"] == str(len(content))
    assert download.headers["ETag"] == f'"{sha}"'
    assert "internal error" not in server.log_path.read_text()


def test_a_laptop_that_accepts_gzip_gets_content_as_sent_and_pages_compressed(server, org):
    # Across a real network the laptop asks for gzip. A photo is compressed
    # already: zipping it again costs the server CPU and hides its length,
    # so the download could not show its progress.
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    content = b"checklist scan, plain text compresses well " * 2000
    sha = upload(rep, content)
    got = rep.http.get(f"{rep.url}{BLOBS}/{sha}", headers={"Accept-Encoding": "gzip"}, timeout=60, stream=True)
    assert got.status_code == 200
    assert "Content-Encoding" not in got.headers
    assert got.headers["Content-Length"] == str(len(content))
    assert got.raw.read() == content  # the bytes on the wire, not decoded by requests
    # Sync pages still go compressed to a laptop that asks.
    rep.http.headers["Accept-Encoding"] = "gzip"
    page = rep.pull()
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert page.json()["buckets"]


def test_uploads_never_finished_are_dropped_by_compact_and_sent_again_whole(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    kept = os.urandom(1000)
    kept_sha = upload(rep, kept)
    abandoned = os.urandom(BLOB_CHUNK_BYTES + 500)
    sha = hashlib.sha256(abandoned).hexdigest()
    assert put(rep, sha, 0, len(abandoned), abandoned[:BLOB_CHUNK_BYTES]).status_code == 200

    out = admin(server.db_url, "compact", "--older-than", "0").stdout
    assert "1 unfinished upload(s) dropped" in out, out

    assert status(rep, sha) == {"sha256": sha, "size": None, "received": 0, "complete": False}
    late = put(rep, sha, BLOB_CHUNK_BYTES, len(abandoned), abandoned[BLOB_CHUNK_BYTES:])
    assert late.status_code == 409 and late.json()["received"] == 0
    assert upload(rep, abandoned) == sha
    assert rep.get(f"{BLOBS}/{sha}").content == abandoned
    assert rep.get(f"{BLOBS}/{kept_sha}").content == kept  # finished content is never dropped
    assert "0 unfinished upload(s) dropped" in admin(server.db_url, "compact", "--older-than", "0").stdout


def test_wrong_content_too_large_and_malformed_uploads_are_refused_and_keep_nothing(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    content = os.urandom(BLOB_CHUNK_BYTES + 10)
    claimed = hashlib.sha256(b"something else").hexdigest()
    assert put(rep, claimed, 0, len(content), content[:BLOB_CHUNK_BYTES]).status_code == 200
    wrong = put(rep, claimed, BLOB_CHUNK_BYTES, len(content), content[BLOB_CHUNK_BYTES:])
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "the uploaded content does not match its sha256"
    assert status(rep, claimed) == {"sha256": claimed, "size": None, "received": 0, "complete": False}
    assert rep.get(f"{BLOBS}/{claimed}").status_code == 404

    sha = hashlib.sha256(content).hexdigest()
    too_big = put(rep, sha, 0, MAX_BLOB_BYTES + 1, content[:1000])
    assert too_big.status_code == 413 and str(MAX_BLOB_BYTES) in too_big.json()["detail"]
    big_chunk = put(rep, sha, 0, len(content), content[:BLOB_CHUNK_BYTES + 1])
    assert big_chunk.status_code == 413 and str(BLOB_CHUNK_BYTES) in big_chunk.json()["detail"]
    past_end = put(rep, sha, 0, 10, content[:11])
    assert past_end.status_code == 422
    assert status(rep, sha)["received"] == 0

    for bad in ("ABC", sha.upper(), sha[:-1] + "g"):
        for r in (rep.get(f"{BLOBS}/{bad}/status"), rep.get(f"{BLOBS}/{bad}"), put(rep, bad, 0, 1, b"x")):
            assert r.status_code == 422 and "64 lowercase" in r.json()["detail"]
    assert requests.get(f"{server.url}{BLOBS}/{sha}/status", timeout=30).status_code == 401
    assert "internal error" not in server.log_path.read_text()


def test_content_is_read_by_whoever_sees_its_attachment_and_by_no_one_else(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    south = login(server.url, "rep_south", org.passwords["rep_south"])
    content = b"signature of the customer " * 100
    sha = hashlib.sha256(content).hexdigest()

    # Before its content is complete, the attachment row is refused.
    assert put(rep, sha, 0, len(content), content[:100]).status_code == 200
    early = rep.push([attachment(sha, len(content), job_id=org.jobs["north_a"])]).json()["results"][0]
    assert early["status"] == "rejected" and early["message"] == NOT_UPLOADED

    # The sender reads back what it sent even before any row names it; others do not.
    put(rep, sha, 100, len(content), content[100:])
    assert rep.get(f"{BLOBS}/{sha}").content == content
    assert south.get(f"{BLOBS}/{sha}").status_code == 404

    row = attachment(sha, len(content), job_id=org.jobs["north_a"])
    assert rep.push([row]).json()["results"][0]["status"] == "applied"
    # Pointing the row at other content waits for that content too.
    unsent = hashlib.sha256(b"a newer photo").hexdigest()
    moved = rep.push([mutation("attachment", row["row_id"], "update", {"sha256": unsent}, base_version=1)])
    assert moved.json()["results"][0]["status"] == "rejected"
    assert moved.json()["results"][0]["message"] == NOT_UPLOADED
    for name in ("tech1", "manager1", "admin"):
        reader = login(server.url, name, org.passwords[name], device_id="laptop-2")
        got = reader.get(f"{BLOBS}/{sha}")
        assert got.status_code == 200 and got.content == content, name
    for name in ("rep_south", "rep_west"):
        outsider = login(server.url, name, org.passwords[name], device_id="laptop-2")
        refused = outsider.get(f"{BLOBS}/{sha}")
        assert refused.status_code == 404 and refused.json() == {"detail": "no such file"}
        # Status is about uploads: anyone may ask, and it holds no content.
        assert status(outsider, sha)["complete"] is True

    # The same content attached to a south account opens it to the south rep as well.
    assert south.push([attachment(sha, len(content), account_id=org.accounts["south_a"])]).json()[
        "results"][0]["status"] == "applied"
    assert south.get(f"{BLOBS}/{sha}").content == content

    # Content never sent is "no such file" even for an administrator.
    missing = hashlib.sha256(b"never sent").hexdigest()
    admin = login(server.url, "admin", org.passwords["admin"], device_id="laptop-3")
    assert admin.get(f"{BLOBS}/{missing}").status_code == 404


def test_two_server_processes_continue_each_others_uploads(server, org, tmp_path):
    content = os.urandom(3 * BLOB_CHUNK_BYTES // 2)
    sha = hashlib.sha256(content).hexdigest()
    with start_server(server.db_url, tmp_path=tmp_path) as other:
        one = login(server.url, "tech1", org.passwords["tech1"])
        two = login(other.url, "tech1", org.passwords["tech1"], device_id="laptop-2")
        assert put(one, sha, 0, len(content), content[:BLOB_CHUNK_BYTES]).json()["received"] == BLOB_CHUNK_BYTES
        assert status(two, sha)["received"] == BLOB_CHUNK_BYTES
        assert put(two, sha, 0, len(content), content[:BLOB_CHUNK_BYTES]).status_code == 409
        rest = put(two, sha, BLOB_CHUNK_BYTES, len(content), content[BLOB_CHUNK_BYTES:])
        assert rest.status_code == 200 and rest.json()["complete"] is True

        assert one.get(f"{BLOBS}/{sha}").content == content
        rep = login(other.url, "rep_north", org.passwords["rep_north"])
        pushed = rep.push([attachment(sha, len(content), account_id=org.accounts["north_a"])]).json()
        assert pushed["results"][0]["status"] == "applied", pushed
        assert login(server.url, "manager1", org.passwords["manager1"]).get(f"{BLOBS}/{sha}").content == content
        assert "internal error" not in other.log_path.read_text()


def test_a_download_cut_off_goes_on_from_the_byte_asked_for(server, org):
    """``Range: bytes=N-`` serves the rest of the content from byte N, across
    the pieces it was uploaded in; a start past the end is 416; scope holds."""
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    content = os.urandom(2 * BLOB_CHUNK_BYTES + 1000)  # stored in three pieces
    sha = upload(rep, content)
    assert rep.push([attachment(sha, len(content), job_id=org.jobs["north_a"])]).json()["results"][0][
        "status"] == "applied"

    def get(client, range_header):
        return client.http.get(f"{client.url}{BLOBS}/{sha}", headers={"Range": range_header}, timeout=60)

    whole = rep.get(f"{BLOBS}/{sha}")
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    for first in (0, 1, BLOB_CHUNK_BYTES - 1, BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES + 17, len(content) - 1):
        part = get(rep, f"bytes={first}-")
        assert part.status_code == 206, first
        assert part.headers["Content-Range"] == f"bytes {first}-{len(content) - 1}/{len(content)}"
        assert part.content == content[first:], first
    middle = get(rep, f"bytes={BLOB_CHUNK_BYTES - 10}-{BLOB_CHUNK_BYTES + 9}")
    assert middle.status_code == 206 and middle.content == content[BLOB_CHUNK_BYTES - 10:BLOB_CHUNK_BYTES + 10]

    past = get(rep, f"bytes={len(content)}-")
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{len(content)}"
    assert "nothing starts at byte" in past.json()["detail"]
    # A form this server does not serve in part (a suffix) gets the whole content.
    suffix = get(rep, "bytes=-100")
    assert suffix.status_code == 200 and suffix.content == content

    south = login(server.url, "rep_south", org.passwords["rep_south"])
    refused = get(south, "bytes=10-")
    assert refused.status_code == 404 and refused.json() == {"detail": "no such file"}
