"""`fieldcrm login / sync / conflicts / logout` as a person (or IT's script) runs them."""

from __future__ import annotations

import json

import pytest

from fieldcrm.sync.credentials import CredentialStore
from tests.sync.laptops import Laptop, fieldcrm

on_sqlite = pytest.mark.parametrize("server_db", ["sqlite"], indirect=True)


@on_sqlite
def test_login_sync_settle_a_conflict_and_logout_from_the_command_line(server, org, keyring_env, tmp_path):
    profile = tmp_path / "cli-laptop"
    wrong = fieldcrm(profile, keyring_env, "login", "--server", server.url, "--user", "manager1",
                     "--password-stdin", stdin="nope\n")
    assert wrong.returncode == 4 and "sign-in failed" in wrong.stderr
    ok = fieldcrm(profile, keyring_env, "login", "--server", server.url, "--user", "manager1",
                  "--password-stdin", stdin=org.passwords["manager1"] + "\n")
    assert ok.returncode == 0 and "signed in" in ok.stdout
    store = CredentialStore.open(None, keyring_env)
    assert store.load_token(server.url, "manager1")  # in the keyring ...
    assert store.load_token(server.url, "manager1") not in (profile / "replica.sqlite").read_bytes().decode("latin-1")

    first = fieldcrm(profile, keyring_env, "sync", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["pulled_rows"] > 0

    # A clash: the rep changes the same field first.
    rep = Laptop(tmp_path / "rep", server.url, keyring_env)
    rep.login("rep_north", org.passwords["rep_north"])
    rep.sync()
    target = org.accounts["north_a"]
    rep.records.update("account", target, {"phone": "rep's"})
    rep.sync()
    edit = fieldcrm(profile, keyring_env, "records", "update", "account", target, "phone=manager's")
    assert edit.returncode == 0, edit.stderr
    clash = fieldcrm(profile, keyring_env, "sync", "--json")
    assert clash.returncode == 0 and json.loads(clash.stdout)["conflicts"] == 1
    listed = json.loads(fieldcrm(profile, keyring_env, "conflicts", "--json").stdout)
    assert [(c["kind"], c["row_id"], c["fields"]["phone"]["mine"]) for c in listed] == [
        ("conflict", target, "manager's")]
    settle = fieldcrm(profile, keyring_env, "conflicts", "resolve", listed[0]["id"], "--keep", "mine")
    assert settle.returncode == 0, settle.stderr
    assert fieldcrm(profile, keyring_env, "sync").returncode == 0
    rep.sync()
    assert rep.records.get("account", target)["phone"] == "manager's"
    assert json.loads(fieldcrm(profile, keyring_env, "conflicts", "--json").stdout) == []
    rep.close()

    out = fieldcrm(profile, keyring_env, "logout")
    assert out.returncode == 0 and "signed out" in out.stdout
    assert store.load_token(server.url, "manager1") is None
    after = fieldcrm(profile, keyring_env, "sync")
    assert after.returncode == 4 and "sign in" in after.stderr
