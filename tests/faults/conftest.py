"""The fault tests reuse the sync suite's org, keyring and laptop fixtures.

The server database is SQLite unless a test asks for PostgreSQL too
(``@pytest.mark.parametrize("server_db", [...], indirect=True)``), to keep the
whole fault suite within a few minutes of CI.
"""

import pytest

from tests.sync.conftest import keyring_env, laptops, org, server  # noqa: F401  (fixtures)


@pytest.fixture
def server_db(request, tmp_path):
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite'}"
        return
    from tests.support.postgres import pg_database, require_postgres

    require_postgres()
    with pg_database() as url:
        yield url
