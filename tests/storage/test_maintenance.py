"""Full-text merges and WAL checkpoints happen when the app is idle, not
inside a person's edit, and the replica stays searchable and bounded."""

import sqlite3

from fieldcrm.services.records import RecordService
from fieldcrm.storage import maintenance, search
from fieldcrm.storage.migrate import upgrade_replica
from fieldcrm.storage.replica import REPLICA_FILE, Replica, make_engine
from fieldcrm.storage.search import ensure_search_index
from fieldcrm.sync.engine import SyncEngine
from tests.sync.conftest import _page, _server_row


def automerge(replica) -> dict:
    with replica.engine.connect() as conn:
        return maintenance.automerge_settings(conn)


def fts_segments(replica, table: str = "contact_fts") -> int:
    """How many b-tree segments the index has: rows of its data table other
    than the structure and averages records, counted per segment id."""
    db = sqlite3.connect(replica.path)
    try:
        # Segment pages have ids (segid << 37) + page; ids below that are
        # the index's own records.
        return db.execute(f"SELECT count(DISTINCT id >> 37) FROM {table}_data WHERE id >> 37 > 0").fetchone()[0]
    finally:
        db.close()


def wal_pages(replica) -> int:
    wal = replica.path.with_name(replica.path.name + "-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def test_every_search_index_keeps_merges_off_edits(replica):
    settings = automerge(replica)
    assert settings and set(settings.values()) == {0}


def test_a_replica_from_before_gets_the_setting_when_migrated(tmp_path, monkeypatch):
    path = tmp_path / REPLICA_FILE
    engine = make_engine(path)
    upgrade_replica(engine, "0002")
    # The indexes of the tables a replica had at 0002 (leads came with 0005).
    monkeypatch.setattr(search, "SEARCHABLE", tuple(c for c in search.SEARCHABLE if c.__tablename__ != "lead"))
    ensure_search_index(engine)
    monkeypatch.undo()
    engine.dispose()
    db = sqlite3.connect(path)
    # The indexes as the previous version made them: FTS5's default merging.
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE name LIKE '%_fts_config'").fetchall():
        db.execute(f"DELETE FROM {table} WHERE k = 'automerge'")
    db.commit()
    assert db.execute("SELECT count(*) FROM account_fts_config WHERE k = 'automerge'").fetchone()[0] == 0
    db.close()
    upgrade_replica(make_engine(path))
    replica = Replica(path, migrate=False)
    try:
        assert set(automerge(replica).values()) == {0}
    finally:
        replica.close()


def test_edits_leave_merging_to_the_idle_upkeep(records, replica):
    account = records.create("account", {"name": "Acme", "city": "Lyon"})
    for n in range(12):
        records.create("contact", {"account_id": account["id"], "last_name": f"Okafor {n}"})
    piled_up = fts_segments(replica)
    assert piled_up >= 12  # one small segment per edit, none merged on the way
    assert replica.maintain(quiet_for=3600) is False  # not idle yet: nothing done
    assert fts_segments(replica) == piled_up
    while replica.maintain(quiet_for=0, steps=1):
        pass
    assert fts_segments(replica) < 4
    assert len(records.search("okafor")) == 12
    db = sqlite3.connect(replica.path)
    try:
        db.execute("INSERT INTO contact_fts(contact_fts) VALUES ('integrity-check')")
    finally:
        db.close()


def test_idle_upkeep_checkpoints_the_log(records, replica):
    for n in range(20):
        records.create("account", {"name": f"Acme {n}"})
    assert wal_pages(replica) > 0
    replica.maintain(quiet_for=0)
    # Everything in the log is in the database file now: the next writer starts it over.
    log, copied = maintenance.checkpoint(replica.engine)
    assert log == copied
    assert records.get("account", records.list("account", limit=1)[0]["id"])["name"].startswith("Acme")


def test_without_edits_idle_upkeep_does_nothing(replica):
    assert replica.maintain(quiet_for=0) is False


class _Server:
    def __init__(self, response):
        self.response = response

    def pull(self, body):
        return self.response


def test_a_first_sync_keeps_merges_off_edits(replica):
    accounts = [_server_row("account", v, name=f"Müller {v}", city="Köln") for v in range(1, 30)]
    contacts = [_server_row("contact", 100 + v, account_id=a["id"], last_name=f"Schulz{v}")
                for v, a in enumerate(accounts)]
    engine = SyncEngine(replica.path, _Server(_page(("territory:t1", 200, {"account": accounts, "contact": contacts}, {}))),
                        replica.client_id())
    engine.pull()
    engine.close()
    assert set(automerge(replica).values()) == {0}
    reopened = Replica(replica.path)
    try:
        assert set(automerge(reopened).values()) == {0}
        assert len(RecordService(reopened).search("muller koln", limit=50)) == 29
    finally:
        reopened.close()


def test_idle_upkeep_never_waits_for_another_writer(records, replica):
    import time

    for n in range(5):
        records.create("account", {"name": f"Acme {n}"})
    other = sqlite3.connect(replica.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # a sync holding the replica
        started = time.monotonic()
        assert replica.maintain(quiet_for=0) is True  # left for later
        assert time.monotonic() - started < 1.0
    finally:
        other.execute("ROLLBACK")
        other.close()
    while replica.maintain(quiet_for=0):
        pass
    records.create("account", {"name": "After"})  # the usual wait for a busy replica is back
    assert len(records.list("account")) == 6


def segment_pages(replica, table: str) -> dict[int, dict[int, bytes]]:
    """Each b-tree segment's pages (row id -> block), by segment id."""
    db = sqlite3.connect(replica.path)
    try:
        segments: dict[int, dict[int, bytes]] = {}
        for rowid, block in db.execute(f"SELECT id, block FROM {table}_data WHERE id >> 37 > 0"):
            segments.setdefault(rowid >> 37, {})[rowid] = block
        return segments
    finally:
        db.close()


def test_the_first_edits_after_a_first_sync_never_rewrite_the_downloaded_index(replica, monkeypatch):
    """A first sync's full-text build ends as one segment per index, so the
    merges that a run of edits sets off (16 small segments on a level) only
    ever merge the edits' own segments: saving a record right after a first
    sync does not rewrite the index of every downloaded row (up to a second
    on a 100,000-account replica). A small in-memory budget for the build
    makes these few hundred rows write several segments, as 200,000 do."""
    from fieldcrm.storage import search

    monkeypatch.setattr(search, "_REBUILD_HASHSIZE", 16 * 1024)
    accounts = [_server_row("account", v, name=f"Müller Kältetechnik {v}", city=f"Köln {v}",
                            street=f"Hauptstraße {v}") for v in range(1, 400)]
    contacts = [_server_row("contact", 1000 + v, account_id=a["id"], first_name=f"Lena{v}",
                            last_name=f"Schulz{v}", email=f"lena{v}@example.com")
                for v, a in enumerate(accounts)]
    engine = SyncEngine(replica.path, _Server(_page(("territory:t1", 900, {"account": accounts, "contact": contacts}, {}))),
                        replica.client_id())
    engine.pull()
    engine.close()
    reopened = Replica(replica.path)
    try:
        built = {t: segment_pages(reopened, t) for t in ("account_fts", "contact_fts")}
        assert {t: len(segments) for t, segments in built.items()} == {"account_fts": 1, "contact_fts": 1}
        records = RecordService(reopened)
        for n in range(40):
            records.update("account", accounts[n]["id"], {"city": f"Bonn {n}"})
            records.create("contact", {"account_id": accounts[n]["id"], "last_name": f"Okafor {n}"})
        for table, segments in built.items():
            after = segment_pages(reopened, table)
            # Segment ids are reused once merged away: compare the pages themselves.
            assert all(after.get(segid) == pages for segid, pages in segments.items()), \
                f"an edit rewrote the downloaded {table}"
        assert len(records.search("bonn", limit=100)) == 40
        assert len(records.search("okafor", limit=100)) == 40
        assert len(records.search("schulz398")) == 1
    finally:
        reopened.close()


def test_rows_a_sync_round_pulls_are_merged_by_the_idle_upkeep_too(replica):
    """Pulled changes reach the full-text index through its triggers, on the
    sync's own connection: the app notes the round (``note_sync_writes``) so
    the idle upkeep merges what it added, as it does after an edit."""
    accounts = [_server_row("account", v, name=f"Garage {v}", city="Nantes") for v in range(1, 4)]
    first = SyncEngine(replica.path, _Server(_page(("territory:t1", 3, {"account": accounts}, {}))),
                       replica.client_id())
    first.pull()  # the first sync: one segment
    first.close()
    for n in range(12):  # later rounds, one changed account each
        changed = {**accounts[n % 3], "version": 2 + n, "city": f"Rennes {n}"}
        engine = SyncEngine(replica.path, _Server(_page(("territory:t1", 4 + n, {"account": [changed]}, {}))),
                            replica.client_id())
        engine.pull()
        engine.close()
    piled_up = fts_segments(replica, "account_fts")
    assert piled_up >= 12
    assert not replica.upkeep_pending()
    assert replica.maintain(quiet_for=0) is False and fts_segments(replica, "account_fts") == piled_up
    replica.note_sync_writes()
    assert replica.upkeep_pending()
    while replica.maintain(quiet_for=0):
        pass
    assert fts_segments(replica, "account_fts") < 4 and not replica.upkeep_pending()
    assert len(RecordService(replica).search("rennes 11")) == 1
