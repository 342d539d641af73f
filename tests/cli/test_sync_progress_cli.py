"""`fieldcrm sync --progress-json --token-stdin`: how the desktop app runs a first
sync in a process of its own. The token comes on standard input (the keyring
is never opened), progress and the summary come back as JSON lines."""

from __future__ import annotations

import json

import pytest

from fieldcrm.services.records import RecordService
from fieldcrm.services.sync_service import SyncService
from fieldcrm.storage.replica import Replica
from fieldcrm.sync.credentials import CredentialStore
from tests.support.server import seed_small_org, start_server
from tests.sync.laptops import fieldcrm
from tests.sync.test_credentials import MemoryKeyring

NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # opening it would fail


@pytest.fixture
def signed_in(tmp_path):
    """(server, org, profile, token): a profile signed in as rep_north, nothing pulled yet."""
    srv = start_server(tmp_path=tmp_path)
    org = seed_small_org(srv.db_url)
    keyring = MemoryKeyring()
    replica = Replica.open(tmp_path / "laptop")
    SyncService(replica, CredentialStore(keyring)).login(srv.url, "rep_north", org.passwords["rep_north"])
    replica.close()
    (token,) = keyring.entries.values()
    yield srv, org, tmp_path / "laptop", token
    srv.stop()


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_progress_lines_then_the_summary_with_the_token_from_stdin(signed_in):
    srv, org, profile, token = signed_in
    done = fieldcrm(profile, {**NO_KEYRING, "FIELDCRM_SYNC_PAGE_ROWS": "3"}, "sync", "--progress-json",
                    "--token-stdin", stdin=token + "\n")
    assert done.returncode == 0, done.stderr
    *steps, last = lines(done.stdout)
    summary = last["summary"]
    assert summary["ok"] and summary["pulled_rows"] > 3
    pulled = [s["done"] for s in steps if s["phase"] == "pull"]
    assert len(pulled) > 1 and pulled == sorted(pulled) and pulled[-1] == summary["pulled_rows"]
    assert steps[-1] == {"phase": "done", "done": 0, "total": None}
    replica = Replica.open(profile)
    try:
        names = {a["name"] for a in RecordService(replica).list("account")}
    finally:
        replica.close()
    assert names == {"north_a", "north_b"}
    assert token not in (profile / "replica.sqlite").read_bytes().decode("latin-1")


def test_a_revoked_token_says_sign_in_again(signed_in):
    srv, org, profile, token = signed_in
    done = fieldcrm(profile, NO_KEYRING, "sync", "--progress-json", "--token-stdin", stdin="not-the-token\n")
    assert done.returncode == 4
    assert lines(done.stdout)[-1]["summary"]["error_kind"] == "sign_in"
    replica = Replica.open(profile)
    try:
        account = SyncService(replica, CredentialStore(MemoryKeyring())).account()
    finally:
        replica.close()
    assert account.sign_in_needed  # the app shows "Sign in again"


def test_no_token_on_stdin_is_a_usage_error(signed_in):
    srv, org, profile, token = signed_in
    done = fieldcrm(profile, NO_KEYRING, "sync", "--progress-json", "--token-stdin", stdin="")
    assert done.returncode == 2 and "no token" in done.stderr
