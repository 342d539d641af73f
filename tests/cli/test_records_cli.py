"""The scripting CLI as IT and power users run it: a real process each time."""

import json
import subprocess
import sys

import pytest

FIELDCRM = [sys.executable, "-m", "fieldcrm.cli.main"]


@pytest.fixture
def run(tmp_path):
    def _run(*args, ok=True):
        proc = subprocess.run([*FIELDCRM, "--profile", str(tmp_path), *args],
                              capture_output=True, text=True, timeout=60)
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc
    return _run


def pending(run):
    return json.loads(run("status", "--json").stdout)["pending"]


def test_create_list_get_update_delete(run):
    account_id = run("records", "create", "account", "name=Acme Foods", "city=Lyon").stdout.strip()
    contact_id = run("records", "create", "contact", f"account_id={account_id}",
                     "first_name=Ana", "last_name=Ruiz", "email=ana@acme.example").stdout.strip()
    listed = json.loads(run("records", "list", "contact", "--where", f"account_id={account_id}", "--json").stdout)
    assert [c["id"] for c in listed] == [contact_id]
    assert [c["id"] for c in json.loads(run("records", "list", "contact", "--search", "ruiz", "--json").stdout)] == [contact_id]
    run("records", "update", "account", account_id, "city=Lille")
    assert json.loads(run("records", "get", "account", account_id, "--json").stdout)["city"] == "Lille"
    assert pending(run) == 2  # the account's create absorbed its later update
    run("records", "delete", "contact", contact_id)
    assert json.loads(run("records", "list", "contact", "--json").stdout) == []
    assert pending(run) == 1


BAD_INPUT = [
    (["records", "list", "widget"], "unknown record type 'widget'"),
    (["records", "create", "account", "colour=red", "name=X"], "colour: is not a field of account"),
    (["records", "create", "account", "city=Nice"], "name: is required"),
    (["records", "create", "account", "name"], "expected FIELD=VALUE"),
    (["records", "create", "opportunity", "account_id=nope", "owner_id=u", "name=X"], "account_id: no account with id nope"),
    (["records", "update", "account", "missing-id", "name=X"], "no account with id missing-id"),
    (["records", "get", "account", "missing-id"], "no account with id missing-id"),
    (["records", "delete", "account", "missing-id"], "no account with id missing-id"),
    (["records", "frobnicate"], "invalid choice"),
]


def test_bad_input_exits_non_zero_with_one_clear_line_and_changes_nothing(run):
    run("records", "create", "account", "name=Existing")
    before = run("records", "list", "account", "--json").stdout
    for args, message in BAD_INPUT:
        proc = run(*args, ok=False)
        assert proc.returncode != 0, args
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, proc.stderr)
    assert run("records", "list", "account", "--json").stdout == before
    assert pending(run) == 1


def test_erp_fields_cannot_be_set_from_the_laptop(run):
    account_id = run("records", "create", "account", "name=Acme").stdout.strip()
    proc = run("records", "update", "account", account_id, "credit_limit=99999", ok=False)
    assert proc.returncode == 2
    assert "credit_limit: comes from the ERP and is read-only here" in proc.stderr
    assert json.loads(run("records", "get", "account", account_id, "--json").stdout)["credit_limit"] is None


def test_version_and_status(run):
    from fieldcrm import __version__

    assert run("--version").stdout.strip() == f"fieldcrm {__version__}"
    status = json.loads(run("status", "--json").stdout)
    assert status["pending"] == 0 and status["last_sync"] is None and status["replica_bytes"] > 0
