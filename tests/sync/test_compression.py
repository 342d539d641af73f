"""gzip between laptop and server: asked for across a network, skipped on this machine.

The server process is real; what arrives on the wire is seen through a
response hook on the laptop transport's HTTP session.
"""

from __future__ import annotations

import pytest

from fieldcrm.sync.transport import wants_gzip
from tests.sync.laptops import FAST_RETRY, Laptop, assert_replica_matches_server

on_sqlite = pytest.mark.parametrize("server_db", ["sqlite"], indirect=True)


def test_auto_asks_for_gzip_only_when_the_server_is_not_on_this_machine():
    assert wants_gzip("https://crm.example.com", "auto")
    assert wants_gzip("https://10.0.0.5:8443", "auto")
    assert not wants_gzip("http://127.0.0.1:8765", "auto")
    assert not wants_gzip("http://localhost:8765", "auto")
    assert wants_gzip("http://127.0.0.1:8765", "gzip")
    assert not wants_gzip("https://crm.example.com", "off")


def laptop_seeing_encodings(folder, server, keyring_env, compression: str) -> tuple[Laptop, list[str]]:
    from fieldcrm.sync.transport import Transport

    seen: list[str] = []

    def transport(url, token, cancelled):
        t = Transport(url, token=token, cancelled=cancelled, retry=FAST_RETRY, compression=compression)
        t.session.hooks["response"].append(
            lambda response, **_: seen.append(response.headers.get("Content-Encoding", "identity")))
        return t

    laptop = Laptop(folder, server.url, keyring_env, transport_factory=transport)
    return laptop, seen


@on_sqlite
@pytest.mark.parametrize("compression, expected", [("gzip", "gzip"), ("auto", "identity")])
def test_a_laptop_syncs_the_same_rows_with_and_without_gzip(server, org, keyring_env, tmp_path,
                                                            compression, expected):
    laptop, seen = laptop_seeing_encodings(tmp_path / "laptop", server, keyring_env, compression)
    try:
        laptop.login("manager1", org.passwords["manager1"])
        assert laptop.sync().pulled_rows > 0
        assert expected in seen  # the first pull came compressed, or not, as asked
        assert set(seen) <= {expected, "identity"}  # small answers are never worth compressing
        laptop.records.update("account", org.accounts["north_a"], {"notes": "n" * 5000})
        assert laptop.sync().applied == 1
        assert_replica_matches_server(laptop, server.url, org.passwords["manager1"])
    finally:
        laptop.close()
