"""The server's Alembic history matches the models on both databases."""

from __future__ import annotations

from fieldcrm.server.db import Database
from fieldcrm.server.migrate import head_revision, model_drift
from tests.support.server import admin


def test_the_migrations_create_exactly_what_the_models_describe(db_url):
    out = admin(db_url, "init")
    assert head_revision() in out.stdout
    db = Database(db_url)
    try:
        # Fails when a model changes without a migration (alembic check).
        assert model_drift(db.engine) == []
    finally:
        db.dispose()
    # init is safe to run again
    admin(db_url, "init")


def test_commands_refuse_an_uninitialised_database_with_one_line(db_url):
    result = admin(db_url, "territory", "add", "X", "--name", "X", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "fieldcrm-server: error: the database is not initialised or is out of date: run 'fieldcrm-server init'"
    )
