"""A laptop reaching the server over HTTPS, with IT's CA bundle and through a proxy.

The server process sits behind a real TLS front whose certificate a private
site CA signed (tests/support/network.py); the proxy is a real HTTP CONNECT
proxy on loopback. The laptop is the `fieldcrm` command, configured the way
IT configures it (``FIELDCRM_CA_BUNDLE``, ``FIELDCRM_PROXY``).
"""

from __future__ import annotations

import json

import certifi
import pytest

from fieldcrm.sync.credentials import CredentialStore
from tests.support.network import ConnectProxy, TlsFront, make_certificates
from tests.sync.laptops import fieldcrm

on_sqlite = pytest.mark.parametrize("server_db", ["sqlite"], indirect=True)


@pytest.fixture
def https(server, tmp_path):
    certificates = make_certificates(tmp_path / "pki")
    front = TlsFront(server.port, certificates).start()
    yield front, certificates
    front.stop()


def login(profile, env, url, org, user="manager1"):
    return fieldcrm(profile, env, "login", "--server", url, "--user", user, "--password-stdin",
                    stdin=org.passwords[user] + "\n")


@on_sqlite
def test_a_server_certificate_the_laptop_cannot_verify_is_refused_with_a_clear_message(
        https, org, keyring_env, tmp_path):
    front, _ = https
    refused = login(tmp_path / "laptop", keyring_env, front.url, org)
    assert refused.returncode != 0
    assert "certificate could not be verified" in refused.stderr
    assert front.handshakes_failed >= 1  # the laptop hung up during the handshake
    assert CredentialStore.open(None, keyring_env).load_token(front.url, "manager1") is None


@on_sqlite
def test_with_the_site_ca_bundle_the_laptop_signs_in_and_syncs_over_https(https, org, keyring_env, tmp_path):
    front, certificates = https
    # A machine-wide bundle in the environment (common on managed laptops) must not hide IT's.
    env = {**keyring_env, "FIELDCRM_CA_BUNDLE": str(certificates.ca),
           "REQUESTS_CA_BUNDLE": certifi.where(), "CURL_CA_BUNDLE": ""}
    profile = tmp_path / "laptop"
    assert login(profile, env, front.url, org).returncode == 0
    first = fieldcrm(profile, env, "sync", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["pulled_rows"] > 0
    edit = fieldcrm(profile, env, "records", "update", "account", org.accounts["north_a"], "phone=+1 555 0199")
    assert edit.returncode == 0, edit.stderr
    second = fieldcrm(profile, env, "sync", "--json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["applied"] == 1


@on_sqlite
def test_the_site_proxy_carries_every_call_to_the_https_server(https, org, keyring_env, tmp_path):
    front, certificates = https
    proxy = ConnectProxy().start()
    try:
        # The site's proxy wins over one the environment names (here a port nothing listens on).
        env = {**keyring_env, "FIELDCRM_CA_BUNDLE": str(certificates.ca), "FIELDCRM_PROXY": proxy.url,
               "HTTPS_PROXY": "http://127.0.0.1:9"}
        profile = tmp_path / "laptop"
        assert login(profile, env, front.url, org).returncode == 0
        synced = fieldcrm(profile, env, "sync", "--json")
        assert synced.returncode == 0, synced.stderr
        assert json.loads(synced.stdout)["pulled_rows"] > 0
        # Each command opened its own tunnel to the server's HTTPS address, and only there.
        assert len(proxy.tunnels) >= 2
        assert set(proxy.tunnels) == {f"127.0.0.1:{front.port}"}
    finally:
        proxy.stop()
