import shutil

import pytest

from fieldcrm.storage.replica import REPLICA_FILE, Replica


@pytest.fixture(scope="session")
def replica_template(tmp_path_factory):
    """A migrated, empty replica made once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("replica-template")
    Replica.open(folder).close()
    return folder / REPLICA_FILE


@pytest.fixture
def replica(replica_template, tmp_path):
    shutil.copy(replica_template, tmp_path / REPLICA_FILE)
    r = Replica.open(tmp_path)
    yield r
    r.close()


@pytest.fixture
def records(replica):
    from fieldcrm.services.records import RecordService

    return RecordService(replica)
