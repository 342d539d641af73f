"""`fieldcrm --self-test` and `--collect-diagnostics` as IT and the help desk use them."""

from __future__ import annotations

import http.server
import json
import socket
import sqlite3
import threading
import zipfile

import pytest

from fieldcrm.cli.main import main
from fieldcrm.config import ENV_VARS
from fieldcrm.storage.replica import REPLICA_FILE, Replica

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture
def laptop(tmp_path, monkeypatch):
    """A profile, an empty site file and a throw-away keyring chosen on purpose."""
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    site = tmp_path / "site.toml"
    site.write_text("", encoding="utf-8")
    monkeypatch.setenv("FIELDCRM_SITE_CONFIG", str(site))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PLAINTEXT)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    profile = tmp_path / "profile"
    profile.mkdir()
    return profile


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def self_test_json(capsys, profile):
    code, out, err = run(capsys, "--profile", profile, "--self-test", "--json")
    return code, json.loads(out), err


def check(report, name):
    return next(c for c in report["checks"] if c["name"] == name)


@pytest.fixture
def health_server():
    """A server on loopback that answers GET /health like the central server."""

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()
            self.wfile.write(b'{"status":"ok"}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the verdict ---------------------------------------------------------------------


def test_fresh_laptop_passes_with_one_line_per_check_and_leaves_no_replica(laptop, capsys):
    code, out, err = run(capsys, "--profile", laptop, "--self-test")
    lines = out.splitlines()
    assert code == 0, out + err
    assert [line.split()[0] for line in lines[:5]] == ["ok", "warning", "ok", "ok", "ok"]
    assert "configuration" in lines[0] and "keyring" in lines[1] and "NOT secure" in lines[1]
    assert "replica" in lines[2] and "no replica yet" in lines[2]
    assert lines[-1] == "self-test passed: 5 checks, 1 warning(s)"
    assert not (laptop / REPLICA_FILE).exists()


def test_json_report_names_each_check_and_its_severity(laptop, capsys):
    code, report, _ = self_test_json(capsys, laptop)
    assert code == 0
    assert report["ok"] is True and report["failures"] == 0 and report["warnings"] == 1
    assert [c["name"] for c in report["checks"]] == ["configuration", "keyring", "replica", "disk space", "server"]
    assert check(report, "keyring")["severity"] == "warning"
    assert check(report, "server")["detail"].startswith("skipped")
    assert all(c["seconds"] >= 0 for c in report["checks"])


def test_broken_site_file_fails_with_file_and_line(laptop, tmp_path, capsys):
    (tmp_path / "site.toml").write_text('server_url = "https://crm.example.com"\nsync_interval = "often"\n')
    code, report, _ = self_test_json(capsys, laptop)
    config = check(report, "configuration")
    assert code == 1 and report["ok"] is False
    assert config["severity"] == "error"
    assert "site.toml, line 2: sync_interval" in config["detail"]


def test_refused_keyring_fails_and_says_what_to_do(laptop, monkeypatch, capsys):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setattr("keyring.get_keyring", lambda: __import__("keyrings.alt.file").alt.file.PlaintextKeyring())
    code, out, _ = run(capsys, "--profile", laptop, "--self-test")
    keyring_line = out.splitlines()[1]
    assert code == 1
    assert keyring_line.startswith("FAILED") and "keyring_backend" in keyring_line
    assert out.splitlines()[-1] == "self-test FAILED: 1 of 5 checks failed"


# --- replica -------------------------------------------------------------------------


def test_existing_replica_opens_and_reports_changes_waiting(laptop, capsys):
    replica = Replica.open(laptop)
    from fieldcrm.services.records import RecordService

    RecordService(replica).create("account", {"name": "Waiting GmbH", "type": "customer"})
    replica.close()
    code, report, _ = self_test_json(capsys, laptop)
    detail = check(report, "replica")["detail"]
    assert code == 0
    assert "1 change(s) waiting to sync" in detail


def test_damaged_replica_fails_without_traceback(laptop, capsys):
    (laptop / REPLICA_FILE).write_bytes(b"this is not a database" * 100)
    code, out, err = run(capsys, "--profile", laptop, "--self-test")
    replica_line = next(line for line in out.splitlines() if " replica " in line)
    assert code == 1
    assert replica_line.startswith("FAILED")
    assert "Traceback" not in out + err


def test_check_that_raises_is_a_failed_line_and_the_others_still_run(laptop, monkeypatch, capsys):
    def broken(_folder):
        raise PermissionError("access denied")

    monkeypatch.setattr("fieldcrm.selftest.check_disk_space", broken)
    code, report, _ = self_test_json(capsys, laptop)
    disk = check(report, "disk space")
    assert code == 1
    assert disk["severity"] == "error" and "PermissionError: access denied" in disk["detail"]
    assert check(report, "server")["severity"] == "ok"


# --- server --------------------------------------------------------------------------


def test_configured_server_that_answers_passes(laptop, tmp_path, health_server, capsys):
    (tmp_path / "site.toml").write_text(f'server_url = "{health_server}"\n')
    code, report, _ = self_test_json(capsys, laptop)
    assert code == 0
    assert "answered HTTP 200" in check(report, "server")["detail"]


def test_configured_server_that_refuses_fails(laptop, tmp_path, capsys):
    (tmp_path / "site.toml").write_text(f'server_url = "http://127.0.0.1:{closed_port()}"\n')
    code, report, _ = self_test_json(capsys, laptop)
    server = check(report, "server")
    assert code == 1
    assert server["severity"] == "error" and "connection refused" in server["detail"]


def test_without_configured_server_the_signed_in_server_is_checked(laptop, health_server, capsys):
    Replica.open(laptop).set_state("server_url", health_server)
    code, report, _ = self_test_json(capsys, laptop)
    assert code == 0
    assert check(report, "server")["detail"].startswith(f"{health_server}/health answered HTTP 200")


# --- diagnostics zip and the log -----------------------------------------------------


def test_collect_diagnostics_packs_log_config_and_self_test_without_secrets(laptop, tmp_path, capsys):
    (tmp_path / "site.toml").write_text('proxy = "http://ana:Hunter2Secret@proxy.example.com:3128"\n')
    target = tmp_path / "out" / "support.zip"
    code, out, _ = run(capsys, "--profile", laptop, "--collect-diagnostics", target)
    assert code == 0
    assert out.startswith(f"wrote {target} (") and "self-test (passed)" in out
    with zipfile.ZipFile(target) as bundle:
        names = set(bundle.namelist())
        texts = {name: bundle.read(name).decode() for name in names}
    assert {"about.json", "config.json", "self-test.json", "logs/fieldcrm.log"} <= names
    assert json.loads(texts["self-test.json"])["checks"][0]["name"] == "configuration"
    assert "Self-test replica: ok" in texts["logs/fieldcrm.log"]
    assert "proxy.example.com" in texts["config.json"]
    assert not any("Hunter2Secret" in text for text in texts.values())


@pytest.mark.parametrize("name", ["support.txt", "support"])
def test_diagnostics_file_must_be_a_zip(laptop, tmp_path, capsys, name):
    code, out, err = run(capsys, "--profile", laptop, "--collect-diagnostics", tmp_path / name)
    assert code == 2
    assert "must end in .zip" in err and len(err.splitlines()) == 1
    assert not (tmp_path / name).exists()


def test_diagnostics_target_that_is_a_folder_is_refused(laptop, tmp_path, capsys):
    folder = tmp_path / "already.zip"
    folder.mkdir()
    code, _, err = run(capsys, "--profile", laptop, "--collect-diagnostics", folder)
    assert code == 2 and "is a folder" in err


@pytest.mark.parametrize("argv", [
    ["--self-test", "status"],
    ["--self-test", "--collect-diagnostics", "x.zip"],
    ["--json", "status"],
])
def test_top_level_flags_do_not_mix_with_commands(laptop, capsys, argv):
    code, out, err = run(capsys, "--profile", laptop, *argv)
    assert code == 2
    assert err.startswith("fieldcrm") and len(err.splitlines()) == 1
    assert out == ""


def test_every_command_writes_the_profile_log(laptop, capsys):
    code, _, _ = run(capsys, "--profile", laptop, "status")
    log_file = laptop / "logs" / "fieldcrm.log"
    assert code == 0
    assert f"command status, profile {laptop}" in log_file.read_text()
    assert "Running upgrade" in log_file.read_text()  # the replica was made and migrated

