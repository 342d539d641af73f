"""Device token in the keyring, and the policy that refuses backends which would leak it.

The real keyring API is used throughout. Backends: keyrings.alt's PlaintextKeyring in a
temporary XDG_DATA_HOME, and ``MemoryKeyring`` below standing in for an OS keyring (the
real Secret Service / Keychain / Credential Manager cannot run in the test machine).
The user's own keyring is never touched: each test gets fresh XDG folders and the
process-wide keyring selection is restored afterwards.
"""

from __future__ import annotations

import logging
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, PasswordDeleteError
from keyrings.alt.file import PlaintextKeyring

from fieldcrm.logs import SecretRegistry
from fieldcrm.sync.credentials import (
    SERVICE_NAME,
    CredentialStore,
    InsecureKeyringError,
    KeyringUnavailableError,
    check_keyring,
    choose_backend,
    credential_key,
)

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
SERVER = "https://crm.example.com/"
TOKEN = "fcrm_9f8e7d6c5b4a39281706f5e4d3c2b1a0"


class MemoryKeyring(KeyringBackend):
    """An encrypted-store stand-in: keeps secrets in memory, rated as recommended."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class LockedKeyring(MemoryKeyring):
    """A keyring that refuses every write, as a locked login keyring does."""

    def set_password(self, service, username, password):
        raise KeyringError("the keyring is locked")


class EmptyChainer(chainer.ChainerBackend):
    backends = []


@pytest.fixture(autouse=True)
def isolated_keyring(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    before = keyring.get_keyring()
    yield tmp_path
    keyring.set_keyring(before)


def plaintext_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "python_keyring" / "keyring_pass.cfg"


def test_token_round_trip_with_plaintext_backend_chosen_by_environment(tmp_path, caplog):
    env = {"PYTHON_KEYRING_BACKEND": PLAINTEXT}
    with caplog.at_level(logging.WARNING, logger="fieldcrm.sync.credentials"):
        store = CredentialStore.open(None, env)
    assert "PYTHON_KEYRING_BACKEND" in caplog.text and "not protected" in caplog.text
    store.save_token(SERVER, "alice", TOKEN)
    assert plaintext_file(tmp_path).is_file()  # in the temporary data folder, not the user's
    assert CredentialStore.open(None, env).load_token("https://crm.example.com", "alice") == TOKEN
    assert store.load_token(SERVER, "bob") is None


def test_logout_deletes_the_entry(tmp_path):
    store = CredentialStore.open(None, {"PYTHON_KEYRING_BACKEND": PLAINTEXT})
    store.save_token(SERVER, "alice", TOKEN)
    assert store.delete_token(SERVER, "alice") is True
    assert store.load_token(SERVER, "alice") is None
    assert TOKEN not in plaintext_file(tmp_path).read_text()
    assert store.delete_token(SERVER, "alice") is False


def test_plaintext_backend_picked_by_keyring_itself_is_refused(tmp_path):
    # No PYTHON_KEYRING_BACKEND, no keyring config file, no site setting: the process's
    # backend was selected automatically and the only one around is plaintext.
    keyring.set_keyring(PlaintextKeyring())
    choice = choose_backend(None, {})
    assert choice.chosen_by is None and not choice.secure
    with pytest.raises(InsecureKeyringError) as refused:
        CredentialStore.open(None, {})
    message = str(refused.value)
    assert "PlaintextKeyring" in message and "plain file" in message
    assert "keyring_backend" in message  # tells IT how to choose it on purpose
    assert not plaintext_file(tmp_path).exists()


@pytest.mark.parametrize("backend", [null.Keyring(), fail.Keyring(), EmptyChainer()],
                         ids=["null", "fail", "empty-chainer"])
def test_backends_that_drop_secrets_are_refused(backend):
    keyring.set_keyring(backend)
    with pytest.raises(InsecureKeyringError):
        CredentialStore.open(None, {})


def test_plaintext_chosen_in_keyrings_config_file_is_accepted_with_warning(tmp_path, caplog):
    config = tmp_path / "config" / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text(f"[backend]\ndefault-keyring = {PLAINTEXT}\n")
    keyring.set_keyring(MemoryKeyring())  # the config file is what counts
    with caplog.at_level(logging.WARNING, logger="fieldcrm.sync.credentials"):
        store = CredentialStore.open(None, {})
    assert isinstance(store.backend, PlaintextKeyring)
    assert f"keyring config file {config}" in caplog.text


def test_plaintext_chosen_by_site_config_is_accepted_with_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="fieldcrm.sync.credentials"):
        store = CredentialStore.open(PLAINTEXT, {})
    assert isinstance(store.backend, PlaintextKeyring)
    assert "site config keyring_backend" in caplog.text


def test_unknown_backend_in_site_config_is_a_clear_error():
    with pytest.raises(KeyringUnavailableError, match="no.such.Backend"):
        CredentialStore.open("no.such.Backend", {})


def test_secure_backend_selected_automatically_is_used_quietly(caplog):
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    secrets = SecretRegistry()
    with caplog.at_level(logging.WARNING):
        store = CredentialStore.open(None, {}, secrets)
    store.save_token(SERVER, "alice", TOKEN)
    assert memory.entries == {(SERVICE_NAME, "https://crm.example.com|alice"): TOKEN}
    assert credential_key(SERVER, "alice") == "https://crm.example.com|alice"
    assert TOKEN in secrets  # the log filter will hide it from now on
    assert caplog.records == []


def test_keyring_write_failure_is_reported():
    keyring.set_keyring(LockedKeyring())
    store = CredentialStore.open(None, {})
    with pytest.raises(KeyringUnavailableError, match="locked"):
        store.save_token(SERVER, "alice", TOKEN)


def test_check_keyring_reports_secure_working_backend_and_leaves_nothing_behind():
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    status = check_keyring(None, {})
    assert status.usable and status.secure and status.chosen_by is None
    assert status.backend.endswith("MemoryKeyring")
    assert memory.entries == {}


def test_check_keyring_reports_refused_and_insecure_and_broken_backends():
    keyring.set_keyring(PlaintextKeyring())
    refused = check_keyring(None, {})
    assert not refused.usable and not refused.secure and "plain file" in refused.detail

    chosen = check_keyring(None, {"PYTHON_KEYRING_BACKEND": PLAINTEXT})
    assert chosen.usable and not chosen.secure and "NOT secure" in chosen.detail

    keyring.set_keyring(LockedKeyring())
    broken = check_keyring(None, {})
    assert not broken.usable and "locked" in broken.detail
