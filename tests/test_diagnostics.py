"""Self-test checks and the support zip, against real files, a real keyring API and real sockets."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import logging
import socket
import ssl
import threading
import zipfile
from pathlib import Path

import keyring
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from keyrings.alt.file import PlaintextKeyring

from fieldcrm.config import Settings, load_settings
from fieldcrm.diagnostics import (
    CheckResult,
    check_config,
    check_disk_space,
    check_keyring_backend,
    check_server,
    collect_diagnostics,
)
from fieldcrm.logs import SecretRegistry, configure_logging

TOKEN = "fcrm_5e4d3c2b1a0f9e8d7c6b5a4938271605"
PROXY_PASSWORD = "pr0xyPa55word"


class HealthHandler(http.server.BaseHTTPRequestHandler):
    status = 200
    seen_paths: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).seen_paths.append(self.path)
        body = b'{"status": "ok"}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(handler, tls_context: ssl.SSLContext | None = None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls_context is not None:
        server.socket = tls_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


@pytest.fixture
def health_server():
    HealthHandler.seen_paths = []
    servers = []

    def start(status=200, tls_context=None):
        handler = type("Handler", (HealthHandler,), {"status": status})
        server = serve(handler, tls_context)
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fieldcrm test server")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- server reachability -----------------------------------------------------------


def test_server_check_passes_against_a_running_server(health_server):
    port = health_server()
    result = check_server(Settings(server_url=f"http://127.0.0.1:{port}"))
    assert result.ok and result.severity == "ok"
    assert f"http://127.0.0.1:{port}/health answered HTTP 200" in result.detail
    assert HealthHandler.seen_paths == ["/health"]


def test_server_check_reports_an_unhealthy_answer(health_server):
    port = health_server(status=503)
    result = check_server(Settings(server_url=f"http://127.0.0.1:{port}"))
    assert not result.ok and "HTTP 503" in result.detail


def test_server_check_reports_a_closed_port():
    port = closed_port()
    result = check_server(Settings(server_url=f"http://127.0.0.1:{port}"), timeout=5)
    assert not result.ok and result.severity == "error"
    assert "connection refused" in result.detail and str(port) in result.detail


def test_server_check_goes_through_the_configured_proxy(health_server):
    proxy_port = health_server()
    settings = load_settings(site_file=None, user_file=None, env={
        "FIELDCRM_SERVER_URL": "http://crm.internal.example",
        "FIELDCRM_PROXY": f"http://127.0.0.1:{proxy_port}",
    })
    result = check_server(settings)
    assert result.ok, result.detail
    assert HealthHandler.seen_paths == ["http://crm.internal.example/health"]


def test_tls_error_is_reported_clearly_and_the_ca_bundle_fixes_it(health_server, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    port = health_server(tls_context=context)
    url = f"https://127.0.0.1:{port}"

    untrusted = check_server(Settings(server_url=url))
    assert not untrusted.ok
    assert untrusted.detail.startswith(f"TLS check of {url}/health failed: self")  # "self-signed certificate"
    assert "set ca_bundle" in untrusted.detail

    trusted = check_server(Settings(server_url=url, ca_bundle=cert))
    assert trusted.ok, trusted.detail
    assert "TLS certificate verified" in trusted.detail


def test_missing_ca_bundle_file_is_reported(tmp_path):
    result = check_server(Settings(server_url="https://127.0.0.1:1", ca_bundle=tmp_path / "gone.pem"))
    assert not result.ok
    assert result.detail.startswith(f"the CA bundle {tmp_path / 'gone.pem'} (ca_bundle) does not exist")


def test_server_check_without_a_server_address():
    result = check_server(Settings())
    assert not result.ok and "no server_url" in result.detail


# --- other checks ------------------------------------------------------------------


def test_config_check_lists_the_problems(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text('sync_interval = "often"\n')
    result = check_config(load_settings(site_file=site, user_file=None, env={}))
    assert not result.ok and result.severity == "error"
    assert f'{site}, line 1: sync_interval: expected a whole number of seconds, got "often"' in result.detail
    assert check_config(load_settings(site_file=None, user_file=None, env={})).ok


def test_disk_space_check_warns_when_low(tmp_path):
    assert check_disk_space(tmp_path / "not-yet-created").ok
    low = check_disk_space(tmp_path, minimum_bytes=10**18)
    assert not low.ok and low.severity == "warning" and "MB free" in low.detail


def test_keyring_check_fails_for_a_refused_backend_and_warns_for_a_chosen_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    before = keyring.get_keyring()
    try:
        keyring.set_keyring(PlaintextKeyring())
        refused = check_keyring_backend(Settings(), {})
        chosen = check_keyring_backend(Settings(keyring_backend="keyrings.alt.file.PlaintextKeyring"), {})
    finally:
        keyring.set_keyring(before)
    assert (refused.ok, refused.severity) == (False, "error")
    assert (chosen.ok, chosen.severity) == (False, "warning")
    assert "NOT secure" in chosen.detail


# --- support bundle ----------------------------------------------------------------


def test_diagnostics_zip_has_logs_config_and_self_test_and_no_secrets(tmp_path):
    log_dir = tmp_path / "logs"
    secrets = SecretRegistry([TOKEN])
    logger = logging.getLogger("fieldcrm-diagtest")
    logger.propagate = False
    handler = configure_logging(log_dir, "DEBUG", logger=logger, secrets=secrets)
    logger.info("signed in with token %s", TOKEN)
    handler.close()
    logger.removeHandler(handler)
    # A log left by an older version, written before anything was redacted.
    (log_dir / "fieldcrm.log.1").write_text(
        f"Authorization: Bearer {TOKEN}\nlogin password=hunter2\n", encoding="utf-8")

    site = tmp_path / "site.toml"
    site.write_text(
        'server_url = "https://crm.example.com"\n'
        f'proxy = "http://svc:{PROXY_PASSWORD}@proxy.corp:3128"\n'
        "sync_interval = 30\n",
        encoding="utf-8",
    )
    settings = load_settings(site_file=site, user_file=None, env={})
    results = [
        CheckResult.passed("configuration", "ok"),
        CheckResult.failed("server", f"server rejected token {TOKEN}"),
    ]
    zip_path = collect_diagnostics(
        tmp_path / "support" / "fieldcrm-diagnostics.zip",
        log_dir=log_dir, config=settings, self_test_result=results, secrets=secrets,
    )

    with zipfile.ZipFile(zip_path) as bundle:
        names = set(bundle.namelist())
        contents = {name: bundle.read(name) for name in names}
    assert names == {
        "about.json", "config.json", "self-test.json",
        "config-files/1-site.toml", "logs/fieldcrm.log", "logs/fieldcrm.log.1",
    }
    everything = b"\n".join(contents.values()) + zip_path.read_bytes()
    for secret in (TOKEN, "hunter2", PROXY_PASSWORD):
        assert secret.encode() not in everything, secret

    config = json.loads(contents["config.json"])
    assert config["values"]["server_url"] == "https://crm.example.com"
    assert config["values"]["sync_interval"] == 30
    assert config["sources"]["sync_interval"] == str(site)
    assert config["values"]["proxy"]["http"] == "http://svc:[REDACTED]@proxy.corp:3128"
    self_test = json.loads(contents["self-test.json"])
    assert self_test["ok"] is False
    assert [c["name"] for c in self_test["checks"]] == ["configuration", "server"]
    assert b"signed in with token [REDACTED]" in contents["logs/fieldcrm.log"]
    assert list(zip_path.parent.iterdir()) == [zip_path]  # no temporary file left behind
