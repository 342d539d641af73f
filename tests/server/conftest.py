"""Server fixtures: every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.postgres import server_database
from tests.support.server import seed_small_org, start_server


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    with server_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def server(db_url, tmp_path):
    with start_server(db_url, tmp_path=tmp_path) as process:
        yield process


@pytest.fixture
def org(server):
    return seed_small_org(server.db_url)
