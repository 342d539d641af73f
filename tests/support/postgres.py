"""A fresh PostgreSQL database per test.

PostgreSQL is expected at 127.0.0.1:5432 with trust auth (override with
``FIELDCRM_TEST_PG``, a URL without the database name). When it cannot be
reached the PostgreSQL variants are skipped with a loud message, unless
``FIELDCRM_REQUIRE_POSTGRES=1`` is set (CI): then they fail.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest

PG_BASE = os.environ.get("FIELDCRM_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
REQUIRE_ENV = "FIELDCRM_REQUIRE_POSTGRES"


def _connect(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(f"{PG_BASE}/{dbname}", autocommit=True, connect_timeout=3)


def postgres_problem() -> str | None:
    """None when PostgreSQL answers; otherwise why not."""
    try:
        with _connect() as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as exc:  # any reason it cannot be used
        return f"{type(exc).__name__}: {exc}".strip()


def require_postgres() -> None:
    """Skip loudly (or fail under FIELDCRM_REQUIRE_POSTGRES=1) without PostgreSQL."""
    problem = postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {PG_BASE} is not reachable ({problem}); PostgreSQL tests NOT RUN"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(message + f" and {REQUIRE_ENV}=1", pytrace=False)
    pytest.skip(message)


@contextmanager
def pg_database() -> Iterator[str]:
    """Create an empty database with a random name; yield its SQLAlchemy URL; drop it."""
    name = f"fieldcrm_test_{uuid.uuid4().hex[:12]}"
    with _connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_BASE.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with _connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def server_database(kind: str, tmp_path) -> Iterator[str]:
    """A fresh server database URL: a SQLite file under ``tmp_path`` or a new
    PostgreSQL database (skipped, or failed when required, without PostgreSQL)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite'}"
        return
    require_postgres()
    with pg_database() as url:
        yield url
