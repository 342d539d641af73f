"""Bad input gets a clear 4xx and changes nothing; nothing yields a 500."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from tests.support.pages import mutation
from tests.support.server import login

PUSH = "/api/v1/sync/push"


def test_oversized_malformed_and_outdated_requests_get_clear_answers(server, org):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    url, headers = server.url, dict(rep.http.headers)

    big = requests.post(url + PUSH, data=b"{" + b" " * (9 * 1024 * 1024) + b"}", headers=headers, timeout=60)
    assert big.status_code == 413 and "too large" in big.json()["detail"]

    def chunks():  # no Content-Length: the limit applies while reading
        for _ in range(10):
            yield b" " * (1024 * 1024)
    streamed = requests.post(url + PUSH, data=chunks(), headers=headers, timeout=60)
    assert streamed.status_code == 413

    broken = requests.post(url + PUSH, data=b'{"protocol": 1, "client_', headers={
        **headers, "Content-Type": "application/json"}, timeout=30)
    assert broken.status_code == 422 and broken.json()["detail"]

    wrong_shape = rep.post(PUSH, {"protocol": 1, "client_id": "c", "mutations": [{"seq": 0}]})
    assert wrong_shape.status_code == 422
    assert wrong_shape.json()["detail"].startswith("mutations.0.")

    too_many = rep.post(PUSH, {"protocol": 1, "client_id": "c", "mutations": [
        mutation("contact", f"id-{i}", "create", {"account_id": org.accounts["north_a"], "last_name": "x"})
        for i in range(501)]})
    assert too_many.status_code == 422 and "mutations" in too_many.json()["detail"]

    future = rep.post(PUSH, {"protocol": 99, "client_id": "c", "mutations": [
        mutation("contact", "fresh-id", "create", {"account_id": org.accounts["north_a"], "last_name": "x"})]})
    assert future.status_code == 426 and "speaks 1" in future.json()["detail"]

    # None of the refused requests wrote anything.
    assert rep.get("/api/v1/records/contact/fresh-id").status_code == 404
    assert rep.get("/api/v1/records/contact/id-0").status_code == 404
    assert "internal error" not in server.log_path.read_text()


def test_schemathesis_finds_no_server_error(server, org, tmp_path):
    rep = login(server.url, "rep_north", org.passwords["rep_north"])
    st = str(Path(sys.executable).with_name("st"))
    result = subprocess.run([
        st, "run", f"{server.url}/openapi.json", "--checks", "not_a_server_error",
        "--max-examples", "15", "--seed", "7", "-H", f"Authorization: Bearer {rep.token}",
        "--request-timeout", "30", "--phases", "examples,coverage,fuzzing",
    ], capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "internal error" not in server.log_path.read_text()
