"""Alembic environment for the laptop replica (synced entities + local tables)."""

from alembic import context

from fieldcrm.storage import registry  # noqa: F401  (registers every entity)
from fieldcrm.storage.base import Base
from fieldcrm.storage.local import LocalBase
from fieldcrm.storage.search import is_search_table

target_metadata = [Base.metadata, LocalBase.metadata]


def include_name(name, type_, parent_names):
    # The full-text index is kept by fieldcrm.storage.search, not by migrations.
    if type_ == "table" and name and is_search_table(name):
        return False
    return True


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
