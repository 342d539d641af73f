"""The transport against a real server process: errors a person can act on, retries."""

from __future__ import annotations

import random

import pytest

from fieldcrm.sync.transport import (
    RequestRejected, RetryPolicy, ServerUnreachable, SignInNeeded, Transport, UpgradeNeeded,
)
from tests.support.server import free_port

# Error mapping does not depend on the server's database: SQLite only.
on_sqlite = pytest.mark.parametrize("server_db", ["sqlite"], indirect=True)


@pytest.fixture
def signed_in(server, org):
    t = Transport(server.url)
    answer = t.login("rep_north", org.passwords["rep_north"], "device-1", "test")
    t.token = answer["token"]
    yield t
    t.close()


@on_sqlite
def test_wrong_password_and_bad_token_say_sign_in(server, org):
    t = Transport(server.url, token="not-a-token")
    with pytest.raises(SignInNeeded, match="sign in again"):
        t.pull({"protocol": 1, "client_id": "c1", "cursors": {}})
    with pytest.raises(SignInNeeded):
        t.login("rep_north", "wrong password", "device-1", "test")


@on_sqlite
def test_old_protocol_asks_for_an_upgrade(signed_in):
    with pytest.raises(UpgradeNeeded, match="too old"):
        signed_in.pull({"protocol": 99, "client_id": "c1", "cursors": {}})


@on_sqlite
def test_a_malformed_request_is_refused_with_the_servers_reason(signed_in):
    with pytest.raises(RequestRejected) as refused:
        signed_in.push({"protocol": 1, "client_id": "c1", "mutations": [{"seq": 0}]})
    assert refused.value.status == 422 and "mutations" in refused.value.detail


def test_an_unreachable_server_is_retried_with_growing_jittered_pauses():
    pauses = []
    t = Transport(f"http://127.0.0.1:{free_port()}", token="x", sleep=pauses.append, rng=random.Random(1),
                  retry=RetryPolicy(attempts=5, first_delay=0.5, max_delay=4.0), connect_timeout=0.5)
    with pytest.raises(ServerUnreachable, match="cannot be reached"):
        t.verify({"protocol": 1, "client_id": "c1"})
    assert len(pauses) == 4
    for attempt, pause in enumerate(pauses, start=1):
        ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= pause <= ceiling


def test_login_is_not_retried():
    pauses = []
    t = Transport(f"http://127.0.0.1:{free_port()}", sleep=pauses.append, connect_timeout=0.5)
    with pytest.raises(ServerUnreachable):
        t.login("a", "b", "c", "d")
    assert pauses == []


def test_site_settings_reach_the_session(tmp_path):
    from fieldcrm.config import Proxy, Settings

    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    settings = Settings(ca_bundle=bundle, proxy=Proxy(http="http://proxy:3128", https="http://proxy:3128"))
    t = Transport.from_settings("https://crm.example.com", settings)
    assert t.session.verify == str(bundle)
    assert t.session.proxies == {"http": "http://proxy:3128", "https": "http://proxy:3128"}
    assert "gzip" in t.session.headers["Accept-Encoding"]
