"""Alembic environment of the server database: the entity tables and the
server-only tables (credentials, tokens, op log, ...)."""

from alembic import context

from fieldcrm.server.erp import tables as _erp_tables  # noqa: F401  (ERP tables share ServerBase)
from fieldcrm.server.tables import ServerBase
from fieldcrm.storage import registry  # noqa: F401  (registers every entity)
from fieldcrm.storage.base import Base

target_metadata = [Base.metadata, ServerBase.metadata]


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            version_table="server_alembic_version",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
