"""Territory services: the map's accounts, KPIs per territory, and realignment."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from fieldcrm.services.territory import (
    map_of_accounts, preview_realignment, realign_territory, territory_kpis,
)
from fieldcrm.storage.validation import ValidationError

NOW = dt.datetime(2025, 5, 15, 12, tzinfo=dt.timezone.utc)


@pytest.fixture
def org(replica, insert):
    insert(replica, "user", id="mgr", username="mgr", display_name="Maria", role="manager")
    insert(replica, "user", id="ann", username="ann", display_name="Ann", role="rep", manager_id="mgr")
    insert(replica, "user", id="sam", username="sam", display_name="Sam", role="rep", manager_id="mgr")
    insert(replica, "territory", id="north", code="N", name="North", manager_id="mgr")
    insert(replica, "territory", id="south", code="S", name="South", manager_id="mgr")
    insert(replica, "territory_member", id="m1", territory_id="north", user_id="ann")
    insert(replica, "territory_member", id="m2", territory_id="south", user_id="sam")
    for aid, tid, owner, lat, freq in (("a1", "north", "ann", 52.5, 30), ("a2", "north", "ann", 52.6, 30),
                                       ("a3", "north", "ann", 52.7, None), ("b1", "south", "sam", 48.1, 14)):
        insert(replica, "account", id=aid, name=aid.upper(), territory_id=tid, owner_id=owner, lat=lat, lon=13.4,
               visit_frequency_days=freq)
    # a1 visited 10 days ago (covered), a2 50 days ago (overdue), b1 never (overdue)
    for vid, aid, days in (("v1", "a1", 10), ("v2", "a2", 50)):
        at = NOW - dt.timedelta(days=days)
        insert(replica, "visit", id=vid, account_id=aid, owner_id="ann", status="done", planned_start=at,
               planned_end=at + dt.timedelta(hours=1), checkin_at=at)
    insert(replica, "opportunity", id="o1", account_id="a2", owner_id="ann", name="Big", stage="proposal",
           amount=Decimal(5000), currency="EUR", probability=50)
    insert(replica, "opportunity", id="o2", account_id="a2", owner_id="ann", name="Old", stage="won",
           amount=Decimal(9999), currency="EUR", probability=100)
    insert(replica, "service_job", id="j1", account_id="a2", title="Fix", status="scheduled")
    insert(replica, "service_job", id="j2", account_id="a1", title="Done", status="completed")
    replica.set_state("user_id", "mgr")
    return replica


def kpi(rows, code):
    return next(k for k in rows if k.code == code)


def test_map_places_accounts_with_territory_pipeline_and_overdue_visits(org):
    m = map_of_accounts(org, now=NOW)
    assert len(m) == 4
    i = m.ids.index("a2")
    assert m.territories[m.territory[i]].code == "N"
    assert m.pipeline[i] == 5000.0
    assert dict(zip(m.ids, m.overdue)) == {"a1": False, "a2": True, "a3": False, "b1": True}


def test_kpis_count_accounts_pipeline_coverage_and_open_jobs(org):
    north = kpi(territory_kpis(org, now=NOW), "N")
    assert (north.accounts, north.open_pipeline, north.currency, north.open_jobs) == (3, Decimal(5000), "EUR", 1)
    assert (north.covered, north.with_frequency) == (1, 2)
    assert north.coverage == pytest.approx(0.5)


def test_preview_shows_both_territories_before_and_after_without_writing(org, outbox):
    p = preview_realignment(org, ["a2"], "south", now=NOW)
    assert (kpi(p.before, "N").accounts, kpi(p.before, "S").accounts) == (3, 1)
    assert (kpi(p.after, "N").accounts, kpi(p.after, "S").accounts) == (2, 2)
    assert kpi(p.after, "S").open_pipeline == Decimal(5000)
    assert kpi(p.after, "N").coverage == pytest.approx(1.0)
    assert kpi(p.after, "S").open_jobs == 1
    assert outbox(org) == []


def test_realign_moves_the_account_to_a_rep_of_the_new_territory_through_the_outbox(org, outbox):
    changed = realign_territory(org, ["a2"], "south")
    assert changed == [{"id": "a2", "name": "A2", "from_territory": "north", "to_territory": "south",
                        "from_owner": "ann", "to_owner": "sam"}]
    (entry,) = outbox(org)
    assert (entry.entity, entry.row_id, entry.op) == ("account", "a2", "update")
    assert json.loads(entry.changes) == {"territory_id": "south", "owner_id": "sam"}
    assert kpi(territory_kpis(org, now=NOW), "S").accounts == 2


def test_realign_to_an_unknown_territory_or_with_nothing_chosen_is_refused(org):
    with pytest.raises(ValidationError):
        realign_territory(org, ["a1"], "nowhere")
    with pytest.raises(ValidationError):
        realign_territory(org, [], "south")
