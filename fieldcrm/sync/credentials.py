"""The device token, kept in the operating system's keyring and nowhere else.

Each entry lives under service ``fieldcrm`` with the username ``<server_url>|<username>``
(the server URL without a trailing slash); its secret is the bearer token itself.

Backend policy: a backend that keeps secrets in a plain file or drops them (keyrings.alt
``PlaintextKeyring``, keyring's ``null`` and ``fail`` backends, a chainer with nothing
usable behind it, anything keyring itself rates below "recommended") is refused with
:class:`InsecureKeyringError`, unless somebody chose it on purpose: through the site
config's ``keyring_backend``, keyring's ``PYTHON_KEYRING_BACKEND`` variable, or keyring's
own config file. A chosen insecure backend is used with a warning in the log.
"""

from __future__ import annotations

import configparser
import logging
import os
import secrets as random_secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.core
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, PasswordDeleteError
from keyring.util import platform_ as keyring_platform

from fieldcrm.logs import SecretRegistry

SERVICE_NAME = "fieldcrm"
KEYRING_ENV_VAR = "PYTHON_KEYRING_BACKEND"
_SELF_TEST_SERVICE = "fieldcrm-self-test"

log = logging.getLogger(__name__)


class InsecureKeyringError(RuntimeError):
    """The keyring backend would not keep the token safe and nobody chose it on purpose."""


class KeyringUnavailableError(RuntimeError):
    """The configured keyring backend cannot be loaded or used."""


@dataclass(frozen=True)
class BackendChoice:
    """The backend to use, and who chose it (``None``: keyring picked it by itself)."""

    backend: KeyringBackend
    chosen_by: str | None
    insecure_reason: str | None

    @property
    def name(self) -> str:
        return backend_name(self.backend)

    @property
    def secure(self) -> bool:
        return self.insecure_reason is None


@dataclass(frozen=True)
class KeyringStatus:
    """What the self-test reports about the keyring."""

    backend: str
    secure: bool
    chosen_by: str | None
    usable: bool
    detail: str


def backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def credential_key(server_url: str, username: str) -> str:
    """The keyring username under which the token for this server and user is kept."""
    return f"{server_url.strip().rstrip('/')}|{username.strip()}"


def insecure_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` cannot be trusted with a token, or ``None`` when it can."""
    if isinstance(backend, fail.Keyring):
        return "no keyring backend is available (keyring's fail backend)"
    if isinstance(backend, null.Keyring):
        return "the null backend throws every secret away"
    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        if not members:
            return "the chainer backend has no usable keyring behind it"
        return insecure_reason(members[0])
    if "plaintext" in type(backend).__name__.lower():
        return "it stores secrets unencrypted in a plain file"
    try:
        priority = float(backend.priority)
    except Exception as exc:  # a backend reports non-viability by raising here
        return f"it is not usable on this machine ({exc})"
    if not keyring.core.recommended(backend):
        return f"keyring rates it as not recommended (priority {priority:g})"
    return None


def _keyring_config_choice() -> tuple[str, Path] | None:
    path = Path(keyring_platform.config_root()) / "keyringrc.cfg"
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error):
        return None
    name = parser.get("backend", "default-keyring", fallback="").strip()
    return (name, path) if name else None


def _load_named(name: str, chosen_by: str) -> KeyringBackend:
    try:
        return keyring.core.load_keyring(name)
    except Exception as exc:
        raise KeyringUnavailableError(
            f"keyring backend {name!r} ({chosen_by}) cannot be used: {exc}"
        ) from exc


def choose_backend(site_backend: str | None, env: Mapping[str, str]) -> BackendChoice:
    """The backend the app will use and how it was chosen, without refusing anything yet.

    Order: the site config's ``keyring_backend``; keyring's ``PYTHON_KEYRING_BACKEND``;
    keyring's config file; otherwise the backend keyring selected in this process.
    """
    if site_backend:
        backend = _load_named(site_backend, "site config keyring_backend")
        chosen_by: str | None = "site config keyring_backend"
    elif env.get(KEYRING_ENV_VAR, "").strip():
        chosen_by = f"environment {KEYRING_ENV_VAR}"
        backend = _load_named(env[KEYRING_ENV_VAR].strip(), chosen_by)
    elif (configured := _keyring_config_choice()) is not None:
        chosen_by = f"keyring config file {configured[1]}"
        backend = _load_named(configured[0], chosen_by)
    else:
        backend, chosen_by = keyring.get_keyring(), None
    return BackendChoice(backend, chosen_by, insecure_reason(backend))


def accept_backend(choice: BackendChoice) -> KeyringBackend:
    """Apply the policy: an insecure backend only when chosen on purpose, with a warning."""
    if choice.secure:
        return choice.backend
    if choice.chosen_by is not None:
        log.warning(
            "Keyring backend %s was chosen by %s although %s; the sign-in token is not protected",
            choice.name, choice.chosen_by, choice.insecure_reason,
        )
        return choice.backend
    raise InsecureKeyringError(
        f"The only keyring backend available, {choice.name}, cannot keep the sign-in token safe: "
        f"{choice.insecure_reason}. Install or unlock the system keyring (Windows Credential "
        "Manager, macOS Keychain, or a Secret Service provider such as GNOME Keyring or KWallet "
        "on Linux). If this machine must use this backend anyway, set keyring_backend in the "
        "site configuration (or PYTHON_KEYRING_BACKEND) to its class name explicitly."
    )


class CredentialStore:
    """Stores, loads and deletes device tokens in one accepted keyring backend."""

    def __init__(self, backend: KeyringBackend, secrets: SecretRegistry | None = None) -> None:
        self.backend = backend
        self.secrets = secrets

    @classmethod
    def open(
        cls,
        site_backend: str | None,
        env: Mapping[str, str],
        secrets: SecretRegistry | None = None,
    ) -> CredentialStore:
        """The store for this configuration; raises :class:`InsecureKeyringError` when refused."""
        return cls(accept_backend(choose_backend(site_backend, env)), secrets)

    def save_token(self, server_url: str, username: str, token: str) -> None:
        if not token:
            raise ValueError("an empty token cannot be saved")
        if self.secrets is not None:
            self.secrets.add(token)
        try:
            self.backend.set_password(SERVICE_NAME, credential_key(server_url, username), token)
        except KeyringError as exc:
            raise KeyringUnavailableError(f"the token could not be saved in the keyring: {exc}") from exc

    def load_token(self, server_url: str, username: str) -> str | None:
        try:
            token = self.backend.get_password(SERVICE_NAME, credential_key(server_url, username))
        except KeyringError as exc:
            raise KeyringUnavailableError(f"the keyring could not be read: {exc}") from exc
        if token and self.secrets is not None:
            self.secrets.add(token)
        return token

    def delete_token(self, server_url: str, username: str) -> bool:
        """Forget the token (sign out); ``False`` when there was none."""
        try:
            self.backend.delete_password(SERVICE_NAME, credential_key(server_url, username))
        except PasswordDeleteError:
            return False
        except KeyringError as exc:
            raise KeyringUnavailableError(f"the token could not be deleted from the keyring: {exc}") from exc
        return True


def check_keyring(site_backend: str | None, env: Mapping[str, str] | None = None) -> KeyringStatus:
    """Which backend the app would use, whether it is secure, and whether a round trip works."""
    env = os.environ if env is None else env
    try:
        choice = choose_backend(site_backend, env)
    except KeyringUnavailableError as exc:
        return KeyringStatus(site_backend or "unknown", False, None, False, str(exc))
    try:
        backend = accept_backend(choice)
    except InsecureKeyringError as exc:
        return KeyringStatus(choice.name, False, choice.chosen_by, False, str(exc))
    probe_user = f"probe-{random_secrets.token_hex(4)}"
    probe_value = random_secrets.token_urlsafe(16)
    try:
        backend.set_password(_SELF_TEST_SERVICE, probe_user, probe_value)
        read_back = backend.get_password(_SELF_TEST_SERVICE, probe_user)
        backend.delete_password(_SELF_TEST_SERVICE, probe_user)
    except Exception as exc:
        return KeyringStatus(choice.name, choice.secure, choice.chosen_by, False,
                             f"saving and reading a test entry failed: {exc}")
    if read_back != probe_value:
        return KeyringStatus(choice.name, choice.secure, choice.chosen_by, False,
                             "a test entry saved in the keyring did not read back the same")
    if choice.secure:
        how = f"chosen by {choice.chosen_by}" if choice.chosen_by else "selected automatically"
        detail = f"{choice.name} ({how}) stores and returns secrets"
    else:
        detail = (f"{choice.name} works but is NOT secure: {choice.insecure_reason}; "
                  f"it was chosen by {choice.chosen_by}")
    return KeyringStatus(choice.name, choice.secure, choice.chosen_by, True, detail)
