"""The ERP connection and policies, kept in the server database.

The server must log in to the ERP unattended, so the ERP password has to be
recoverable by the server: it cannot be hashed. It is stored encrypted
(Fernet: AES-128-CBC with an HMAC) in ``erp_setting``; the key lives in a file
only the service account can read (mode 0600), outside the database. A copy
of the database (a backup, a dump handed to support) does not reveal the
password; the database and the key file together do. The password is never
logged or printed. The key file is ``FIELDCRM_SERVER_SECRET_FILE``, else
``server-secret.key`` in the per-user config dir of the service account; it
is created on the first ``erp configure``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import platformdirs
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldcrm.erp.connector import ErpConnector
from fieldcrm.server.erp.tables import ErpSetting
from fieldcrm.storage.types import format_timestamp, parse_timestamp, utcnow

SECRET_ENV = "FIELDCRM_SERVER_SECRET_FILE"
KINDS = ("tryton",)

# Policy keys with their defaults (stored as text).
DEFAULTS = {
    "allow_erp_customer_create": "false",
    "default_territory": "",  # a territory code; empty: new ERP customers stay unassigned
    "pull_interval": "300",  # seconds between master-data pulls in the worker; 0: never
    "reconcile_interval": "86400",  # seconds between full id scans (hard deletes)
    "submit_settle": "2",  # seconds a submitted order waits for its lines to arrive
}


class ErpNotConfigured(RuntimeError):
    """No ERP connection has been configured on this server."""


class SecretKeyError(RuntimeError):
    """The key file is missing, unreadable or does not match the stored password."""


def secret_file(env: Optional[Mapping[str, str]] = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get(SECRET_ENV, "").strip()
    if configured:
        return Path(configured)
    return Path(platformdirs.user_config_dir("fieldcrm", appauthor=False)) / "server-secret.key"


def _fernet(create: bool):
    from cryptography.fernet import Fernet

    path = secret_file()
    if not path.exists():
        if not create:
            raise SecretKeyError(f"the key file {path} that encrypts the ERP password is missing: "
                                 "run 'fieldcrm-server erp configure' again")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(Fernet.generate_key())
    try:
        return Fernet(path.read_bytes().strip())
    except (OSError, ValueError) as exc:
        raise SecretKeyError(f"cannot use the key file {path}: {exc}") from None


def encrypt_password(password: str) -> str:
    return _fernet(create=True).encrypt(password.encode()).decode("ascii")


def decrypt_password(token: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(create=False).decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise SecretKeyError(f"the key file {secret_file()} does not decrypt the stored ERP password: "
                             "run 'fieldcrm-server erp configure' again") from None


# --- the key/value store --------------------------------------------------------


def get_value(session: Session, key: str, default: Optional[str] = None) -> Optional[str]:
    row = session.get(ErpSetting, key)
    return row.value if row is not None else default


def set_value(session: Session, key: str, value: Optional[str]) -> None:
    row = session.get(ErpSetting, key)
    if value is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(ErpSetting(key=key, value=value, updated_at=utcnow()))
    else:
        row.value, row.updated_at = value, utcnow()


def all_values(session: Session) -> dict[str, str]:
    return dict(session.execute(select(ErpSetting.key, ErpSetting.value)).all())


def get_time(session: Session, key: str) -> Optional[dt.datetime]:
    value = get_value(session, key)
    return parse_timestamp(value) if value else None


def set_time(session: Session, key: str, when: dt.datetime) -> None:
    set_value(session, key, format_timestamp(when))


def policy(session: Session, key: str) -> str:
    return get_value(session, f"policy.{key}", DEFAULTS[key]) or ""


def policy_flag(session: Session, key: str) -> bool:
    return policy(session, key).strip().lower() in ("1", "true", "yes", "on")


def policy_seconds(session: Session, key: str) -> float:
    try:
        return float(policy(session, key))
    except ValueError:
        return float(DEFAULTS[key])


# --- the connection --------------------------------------------------------------


@dataclass(frozen=True)
class ErpConnection:
    kind: str
    url: str
    database: str
    user: str
    password_token: str
    verify_tls: bool = True
    ca_bundle: Optional[str] = None

    def connector(self, **options) -> ErpConnector:
        if self.kind == "tryton":
            from fieldcrm.erp.tryton import TrytonConnector
            from fieldcrm.erp.tryton_rpc import TrytonSettings

            return TrytonConnector(TrytonSettings(
                url=self.url, database=self.database, user=self.user,
                password=decrypt_password(self.password_token),
                verify_tls=self.verify_tls, ca_bundle=self.ca_bundle, read_timeout=60.0,
            ), **options)
        raise ErpNotConfigured(f"unknown ERP kind {self.kind!r}")

    def describe(self) -> str:
        return f"{self.kind} {self.url} database {self.database} as {self.user}"


def save_connection(session: Session, *, kind: str, url: str, database: str, user: str, password: str,
                    verify_tls: bool = True, ca_bundle: Optional[str] = None) -> ErpConnection:
    if kind not in KINDS:
        raise ValueError(f"unknown ERP kind {kind!r} (known: {', '.join(KINDS)})")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the ERP address must start with http:// or https://, got {url!r}")
    if not password:
        raise ValueError("the ERP password is empty")
    values = {"kind": kind, "url": url.rstrip("/"), "database": database, "user": user,
              "password": encrypt_password(password), "verify_tls": "true" if verify_tls else "false",
              "ca_bundle": ca_bundle}
    for key, value in values.items():
        set_value(session, f"connection.{key}", value)
    return load_connection(session)


def load_connection(session: Session) -> ErpConnection:
    values = {k[len("connection."):]: v for k, v in all_values(session).items() if k.startswith("connection.")}
    if "kind" not in values:
        raise ErpNotConfigured("no ERP is configured: run 'fieldcrm-server erp configure'")
    return ErpConnection(
        kind=values["kind"], url=values["url"], database=values["database"], user=values["user"],
        password_token=values["password"], verify_tls=values.get("verify_tls", "true") == "true",
        ca_bundle=values.get("ca_bundle") or None,
    )
