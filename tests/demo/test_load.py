"""Loading the demo data into a laptop's replica."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fieldcrm.demo.generator import load_into_replica
from fieldcrm.services.records import RecordService
from fieldcrm.storage.local import OutboxEntry
from fieldcrm.storage.registry import entity_class
from fieldcrm.storage.replica import Replica


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    replica = Replica.open(tmp_path_factory.mktemp("demo"))
    counts = load_into_replica(replica, seed=42, accounts=100, today=dt.date(2025, 3, 12))
    yield replica, counts
    replica.close()


def test_every_generated_row_is_in_the_replica(loaded):
    replica, counts = loaded
    assert counts["account"] == 100
    with replica.read() as session:
        for entity, count in counts.items():
            stored = session.execute(select(func.count()).select_from(entity_class(entity))).scalar_one()
            assert stored == count, entity


def test_server_rows_leave_nothing_to_send(loaded):
    replica, _ = loaded
    with replica.read() as session:
        assert session.execute(select(func.count()).select_from(OutboxEntry)).scalar_one() == 0


def test_search_finds_an_account_by_a_word_of_its_name(loaded):
    replica, _ = loaded
    records = RecordService(replica)
    accounts = records.list("account")
    english = next(a for a in accounts if a["name"].isascii() and len(a["name"].split()[0]) > 3)
    word = english["name"].split()[0].strip(",")
    hits = records.search(word, entities=["account"], limit=100)
    assert english["id"] in {h.id for h in hits}


def test_search_finds_a_chinese_account_by_its_name(loaded):
    replica, _ = loaded
    records = RecordService(replica)
    chinese = next(a for a in records.list("account") if not a["name"].isascii())
    hits = records.search(chinese["name"], entities=["account"])
    assert chinese["id"] in {h.id for h in hits}


def test_loaded_values_read_back_as_the_model_types(loaded):
    replica, _ = loaded
    records = RecordService(replica)
    visits = records.list("visit", {"status": "done"}, limit=1)
    assert visits and visits[0]["checkin_at"].endswith("Z")
    customers = [a for a in records.list("account", {"type": "customer"}) if a["credit_limit"]]
    assert customers and "." in customers[0]["credit_limit"]


def test_search_keeps_up_with_edits_after_a_load(tmp_path):
    replica = Replica.open(tmp_path)
    try:
        load_into_replica(replica, seed=3, accounts=20, today=dt.date(2025, 3, 12))
        records = RecordService(replica)
        made = records.create("account", {"name": "Quillfeather Dairy"})
        assert made["id"] in {h.id for h in records.search("quillfeather")}
    finally:
        replica.close()
