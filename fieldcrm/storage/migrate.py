"""Alembic wiring for the replica: the app upgrades its replica itself.

Every start checks whether the replica is at the newest revision. That check
reads the migration scripts' ``revision`` / ``down_revision`` lines as text
and the replica's ``alembic_version`` row, so a replica already at head opens
without importing alembic (a fifth of a second of CPU at every start of the
app and of ``fieldcrm sync``); anything else goes through alembic.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_DECLARED = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def alembic_config(engine: Engine) -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def declared_head() -> Optional[str]:
    """The one head revision the scripts declare, read as text (None when that
    is not clear from the text: then alembic decides)."""
    revisions: set[str] = set()
    parents: set[Optional[str]] = set()
    try:
        for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
            found = dict(_DECLARED.findall(script.read_text(encoding="utf-8")))
            revisions.add(ast.literal_eval(found["revision"]))
            down = ast.literal_eval(found.get("down_revision", "None"))
            parents.update(down if isinstance(down, tuple) else (down,))
    except (KeyError, ValueError, SyntaxError, OSError):
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as conn:
        try:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
        except OperationalError:  # a new file: no version table yet
            return None
    return rows[0][0] if len(rows) == 1 else None


def upgrade_replica(engine: Engine, revision: str = "head") -> None:
    if revision == "head":
        head = declared_head()
        if head is not None and _stored_revision(engine) == head:
            return
        if current_revision(engine) == head_revision():
            return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
