"""The server's one settings object: where the database is and the limits it keeps."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Optional

import platformdirs

from fieldcrm.sync.wire import DEFAULT_PAGE_ROWS, MAX_REQUEST_BYTES

DB_ENV = "FIELDCRM_SERVER_DB"
SERVER_DB_FILE = "server.sqlite"


def default_db_url() -> str:
    """The embedded default: a SQLite file in the per-user data dir."""
    folder = Path(platformdirs.user_data_dir("fieldcrm", appauthor=False))
    return f"sqlite:///{folder / SERVER_DB_FILE}"


def normalise_db_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


@dataclass(frozen=True)
class ServerSettings:
    db_url: str = field(default_factory=default_db_url)
    # Device tokens expire after this many days (a login renews them).
    token_days: int = 30
    # Failed logins allowed per window, per username and per client address.
    login_failures_per_user: int = 5
    login_failures_per_address: int = 30
    login_window_seconds: int = 300
    max_request_bytes: int = MAX_REQUEST_BYTES
    default_page_rows: int = DEFAULT_PAGE_ROWS
    # REMOVE ops older than this many days may be compacted away.
    compaction_days: int = 30

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None, *, db_url: Optional[str] = None) -> "ServerSettings":
        env = os.environ if env is None else env
        url = db_url or env.get(DB_ENV, "").strip() or default_db_url()
        base = cls(db_url=normalise_db_url(url))
        return replace(
            base,
            token_days=_int_env(env, "FIELDCRM_SERVER_TOKEN_DAYS", base.token_days),
            login_failures_per_user=_int_env(env, "FIELDCRM_SERVER_LOGIN_FAILURES", base.login_failures_per_user),
            login_failures_per_address=_int_env(
                env, "FIELDCRM_SERVER_LOGIN_FAILURES_PER_ADDRESS", base.login_failures_per_address
            ),
            login_window_seconds=_int_env(env, "FIELDCRM_SERVER_LOGIN_WINDOW", base.login_window_seconds),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")
