"""A real Tryton server per test, started from a database prepared once.

The template database (modules activated, a company that can sell, seeded
products and customers) is built with the product's own
:class:`~fieldcrm.server.erp.local_tryton.LocalTryton` (``trytond-admin``) and
:mod:`fieldcrm.erp.tryton_setup`, then kept under the pytest cache keyed by
the trytond version and the setup code, so later runs skip the ~50 s build.
Each test copies it, starts ``trytond`` on a free loopback port and stops it
by PID afterwards.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from fieldcrm.erp import tryton_setup
from fieldcrm.erp.tryton import TrytonConnector
from fieldcrm.server.erp.local_tryton import MODULES, LocalTryton, copy_database

PRODUCTS, CUSTOMERS, LIMITED = 12, 8, 2  # the first LIMITED customers have a limit
CREDIT_LIMIT = 1000
TIMINGS: dict[str, float] = {}


def _local_tryton(directory: Path) -> LocalTryton:
    return LocalTryton(directory, read_timeout=30.0)


def _template_key() -> str:
    import trytond

    digest = hashlib.sha256()
    digest.update(trytond.__version__.encode())
    digest.update(" ".join(MODULES).encode())
    digest.update(f"{PRODUCTS}/{CUSTOMERS}/{LIMITED}/{CREDIT_LIMIT}/{LocalTryton.password}".encode())
    digest.update(Path(tryton_setup.__file__).read_bytes())
    return f"trytond-{trytond.__version__}-{digest.hexdigest()[:12]}"


def _build_template(directory: Path) -> Path:
    """Initialise a database, make it able to sell and seed it; return the file."""
    server = _local_tryton(directory)
    started = time.monotonic()
    try:
        server.prepare()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    TIMINGS["trytond-admin init"] = time.monotonic() - started
    started = time.monotonic()
    server.start()
    try:
        client = server.client()
        setup = tryton_setup.prepare_company(client)
        tryton_setup.seed_products(client, setup, PRODUCTS)
        tryton_setup.seed_customers(client, CUSTOMERS, with_credit_limit=LIMITED,
                                    credit_limit=CREDIT_LIMIT)
        client.close()
    finally:
        server.stop()
    TIMINGS["company setup and seed"] = time.monotonic() - started
    return server.db_file


@pytest.fixture(scope="session")
def tryton_template(request, tmp_path_factory) -> Path:
    """Path of a prepared Tryton SQLite database; built once, then cached."""
    cache = Path(request.config.cache.mkdir("tryton-template"))
    cached = cache / f"{_template_key()}.sqlite"
    if cached.exists():
        return cached
    started = time.monotonic()
    built = _build_template(tmp_path_factory.mktemp("tryton-template"))
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    copy_database(built, partial)
    os.replace(partial, cached)
    TIMINGS["template build"] = time.monotonic() - started
    return cached


@pytest.fixture(scope="session")
def tryton_seed() -> dict[str, int]:
    """What the template was seeded with, for tests to check against."""
    return {"products": PRODUCTS, "customers": CUSTOMERS, "credit_limit": CREDIT_LIMIT}


@pytest.fixture
def tryton_server(tryton_template, tmp_path):
    """A fresh Tryton on loopback with a copy of the template database."""
    started = time.monotonic()
    server = _local_tryton(tmp_path)
    server.prepare(tryton_template)
    server.start(timeout=30)
    TIMINGS.setdefault("server start (first test)", time.monotonic() - started)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def erp(tryton_server):
    """The adapter under test, connected to the per-test server."""
    connector = TrytonConnector(tryton_server.settings())
    try:
        yield connector
    finally:
        connector.close()


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_line(
            "tryton fixture: " + ", ".join(f"{k} {v:.1f} s" for k, v in TIMINGS.items()))
