"""The fault tests reuse the sync suite's org, keyring and laptop fixtures.

The server database is SQLite unless a test asks for PostgreSQL too
(``@pytest.mark.parametrize("server_db", [...], indirect=True)``), to keep the
whole fault suite within a few minutes of CI.
"""

import pytest

from tests.sync.conftest import keyring_env, laptops, org, server  # noqa: F401  (fixtures)


@pytest.fixture
def server_db(request, tmp_path):
    from tests.support.postgres import server_database

    with server_database(getattr(request, "param", "sqlite"), tmp_path) as url:
        yield url
