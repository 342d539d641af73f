"""Alembic wiring for the server database (its own environment and history)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "server_alembic_version"


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def model_drift(engine: Engine) -> list:
    """Differences between the models and a migrated database (empty when in step)."""
    from fieldcrm.server.erp import tables as _erp_tables  # noqa: F401
    from fieldcrm.server.tables import ServerBase
    from fieldcrm.storage import registry  # noqa: F401
    from fieldcrm.storage.base import Base

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": VERSION_TABLE, "target_metadata": None}
        )
        return compare_metadata(ctx, [Base.metadata, ServerBase.metadata])
