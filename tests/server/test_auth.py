"""Sign-in: tokens bound to a device, revocable; failed logins rate-limited."""

from __future__ import annotations

import requests

from tests.support.pages import mutation
from tests.support.server import admin, login

LOGIN = "/api/v1/auth/login"


def _attempt(url: str, username: str, password: str, device: str = "laptop-1") -> requests.Response:
    return requests.post(url + LOGIN, json={"username": username, "password": password, "device_id": device},
                         timeout=60)


def test_a_revoked_device_must_sign_in_again_and_other_devices_keep_working(server, org):
    laptop = login(server.url, "rep_north", org.passwords["rep_north"], device_id="laptop-1")
    spare = login(server.url, "rep_north", org.passwords["rep_north"], device_id="laptop-2")
    assert laptop.pull().status_code == 200

    out = admin(server.db_url, "device", "revoke", "rep_north", "--device", "laptop-1")
    assert "1 device token" in out.stdout
    refused = laptop.pull()
    assert refused.status_code == 401 and refused.json()["detail"].startswith("sign in again")
    assert spare.pull().status_code == 200

    assert spare.post("/api/v1/auth/logout", {}).status_code == 200
    assert spare.pull().status_code == 401
    # A fresh login on the revoked device works again.
    assert login(server.url, "rep_north", org.passwords["rep_north"], device_id="laptop-1").pull().status_code == 200


def test_requests_without_a_valid_token_are_refused(server, org):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic cmVwOnB3"}):
        r = requests.post(server.url + "/api/v1/sync/pull", json={"protocol": 1, "client_id": "c"},
                          headers=headers, timeout=30)
        assert r.status_code == 401, headers
    assert _attempt(server.url, "rep_north", "wrong").status_code == 401
    assert _attempt(server.url, "nobody", "wrong").json() == _attempt(server.url, "rep_north", "wrong").json()


def test_repeated_failed_logins_are_rate_limited_even_with_the_right_password(server, org):
    for _ in range(5):
        assert _attempt(server.url, "rep_west", "guess").status_code == 401
    blocked = _attempt(server.url, "rep_west", org.passwords["rep_west"])
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    # Other users are not locked out by someone guessing rep_west's password.
    assert _attempt(server.url, "rep_south", org.passwords["rep_south"]).status_code == 200


def test_a_signed_out_device_can_neither_push_nor_read(server, org):
    laptop = login(server.url, "rep_north", org.passwords["rep_north"], device_id="laptop-1")
    admin(server.db_url, "device", "revoke", "rep_north", "--device", "laptop-1")
    new_contact = mutation("contact", "contact-from-revoked", "create",
                           {"account_id": org.accounts["north_a"], "last_name": "Revoked"})
    for answer in (laptop.push([new_contact]), laptop.push([]), laptop.pull(), laptop.verify()):
        assert answer.status_code == 401 and answer.json()["detail"] == "sign in again: this device was signed out"
    # The refused push wrote nothing.
    again = login(server.url, "rep_north", org.passwords["rep_north"], device_id="laptop-2")
    assert again.get("/api/v1/records/contact/contact-from-revoked").status_code == 404
    assert again.push([new_contact]).json()["results"][0]["status"] == "applied"
