"""`make demo` keeps a demo for the day it was made, and moves an older one aside."""

import json

from fieldcrm.demo import run as demo


def _old_demo(folder, **state):
    folder.mkdir()
    (folder / demo.STATE_FILE).write_text(json.dumps({"password": "pw", "port": 1, **state}))
    (folder / "profile").mkdir()
    (folder / "profile" / "replica.sqlite").write_bytes(b"a replica with the person's demo edits")
    (folder / "server.sqlite").write_bytes(b"the demo server")


def test_a_demo_from_an_earlier_day_is_moved_aside_with_everything_in_it(tmp_path, capsys):
    folder = tmp_path / "demo"
    _old_demo(folder, made_on="2026-01-05", data_format=demo._data_format())
    moved = demo.retire_stale_demo(folder)
    assert moved == folder / "previous-2026-01-05"
    assert sorted(p.name for p in folder.iterdir()) == ["previous-2026-01-05"]
    assert (moved / "profile" / "replica.sqlite").read_bytes() == b"a replica with the person's demo edits"
    assert (moved / "server.sqlite").exists() and (moved / demo.STATE_FILE).exists()
    assert "starting a fresh one for today" in capsys.readouterr().out
    # A second stale demo of the same day does not overwrite the first one kept.
    (folder / demo.STATE_FILE).write_text(json.dumps({"made_on": "2026-01-05"}))
    assert demo.retire_stale_demo(folder) == folder / "previous-2026-01-05-2"


def test_todays_demo_is_kept_and_a_demo_without_a_date_is_refreshed(tmp_path):
    today = tmp_path / "today"
    _old_demo(today, made_on=demo._demo_day(), data_format=demo._data_format())
    assert demo.retire_stale_demo(today) is None
    assert (today / "profile" / "replica.sqlite").exists()

    older_data = tmp_path / "older-data"
    _old_demo(older_data, made_on=demo._demo_day(), data_format=demo._data_format() - 1)
    assert demo.retire_stale_demo(older_data) is not None

    undated = tmp_path / "undated"
    _old_demo(undated)
    assert demo.retire_stale_demo(undated) == undated / "previous-undated"

    assert demo.retire_stale_demo(tmp_path / "never-made") is None


def test_a_new_demo_records_its_day(tmp_path):
    demo._mark_made(tmp_path)
    state = json.loads((tmp_path / demo.STATE_FILE).read_text())
    assert state == {"made_on": demo._demo_day(), "data_format": demo._data_format()}
    assert demo.retire_stale_demo(tmp_path) is None
