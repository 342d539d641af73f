"""Two server processes on one database behave as one server."""

from __future__ import annotations

import threading
import uuid

import requests

from tests.support.pages import Replica, mutation
from tests.support.server import login, start_server


def test_two_processes_share_tokens_limits_and_one_ordered_log(server, org, tmp_path):
    with start_server(server.db_url, tmp_path=tmp_path) as other:
        a = login(server.url, "rep_north", org.passwords["rep_north"])
        # The token issued by one process is honoured by the other.
        b = login(other.url, "rep_north", org.passwords["rep_north"], device_id="laptop-2")
        b.token, b.url = a.token, other.url
        b.http.headers["Authorization"] = f"Bearer {a.token}"
        assert b.pull().status_code == 200

        # Failed logins counted by both processes together.
        for url in (server.url, other.url, server.url, other.url, server.url):
            assert requests.post(url + "/api/v1/auth/login", json={
                "username": "rep_west", "password": "guess", "device_id": "x"}, timeout=60).status_code == 401
        assert requests.post(other.url + "/api/v1/auth/login", json={
            "username": "rep_west", "password": org.passwords["rep_west"], "device_id": "x"},
            timeout=60).status_code == 429

        # Both processes append to the NORTH bucket at once.
        created: dict[str, list[str]] = {"a": [], "b": []}

        def write(client, key):
            for _ in range(3):
                batch = [mutation("contact", str(uuid.uuid4()), "create", {
                    "account_id": org.accounts["north_a"], "last_name": f"{key}{i}"}) for i in range(4)]
                results = client.push(batch).json()["results"]
                assert [r["status"] for r in results] == ["applied"] * 4
                created[key] += [m["row_id"] for m in batch]

        threads = [threading.Thread(target=write, args=(c, k)) for c, k in ((a, "a"), (b, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        laptop = Replica(login(other.url, "manager1", org.passwords["manager1"])).sync(limit=5)
        expected = set(created["a"] + created["b"]) | {org.contacts["north_a"], org.contacts["north_b"],
                                                        org.contacts["south_a"]}
        assert len(created["a"]) == len(created["b"]) == 12
        assert laptop.ids("contact") == expected
        assert laptop.client.verify().json()["entities"]["contact"]["count"] == len(expected)
