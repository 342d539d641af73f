"""Pipeline services: the board, the stage rules, and the forecast against quota.

The fixture is small enough to add up by hand: two territories, two reps
with a yearly quota of 120,000 each, and deals whose amounts and dates make
every period's numbers easy to check.
"""

import datetime as dt
from decimal import Decimal

import pytest

from fieldcrm.services.forecast import forecast, period_of, quota_rollup
from fieldcrm.services.pipeline import PipelineFilter, PipelineService, pipeline_board
from fieldcrm.storage.validation import ValidationError

TODAY = dt.date(2025, 5, 15)


@pytest.fixture
def org(replica, insert):
    insert(replica, "user", id="mgr", username="mgr", display_name="Maria Manager", role="manager")
    insert(replica, "user", id="ann", username="ann", display_name="Ann North", role="rep", manager_id="mgr")
    insert(replica, "user", id="sam", username="sam", display_name="Sam South", role="rep", manager_id="mgr")
    insert(replica, "territory", id="east", code="EAST", name="East", manager_id="mgr")
    insert(replica, "territory", id="north", code="EAST-N", name="North", parent_id="east", manager_id="mgr")
    insert(replica, "territory", id="south", code="EAST-S", name="South", parent_id="east", manager_id="mgr")
    insert(replica, "territory_member", id="m1", territory_id="north", user_id="ann", quota=Decimal("120000"))
    insert(replica, "territory_member", id="m2", territory_id="south", user_id="sam", quota=Decimal("120000"))
    insert(replica, "product", id="pump", name="Pump")
    insert(replica, "account", id="acme", name="Acme", territory_id="north", owner_id="ann")
    insert(replica, "account", id="bolt", name="Bolt", territory_id="south", owner_id="sam")
    deals = [
        # id, account, owner, stage, amount, probability, expected close, closed
        ("d1", "acme", "ann", "proposal", "10000", 50, "2025-05-20", None),
        ("d2", "acme", "ann", "negotiation", "4000", 75, "2025-06-10", None),
        ("d3", "acme", "ann", "won", "6000", 100, "2025-05-01", "2025-05-02"),
        ("d4", "bolt", "sam", "prospecting", "20000", 10, "2025-05-30", None),
        ("d5", "bolt", "sam", "lost", "9000", 0, "2025-05-05", "2025-05-06"),
        ("d6", "bolt", "sam", "qualification", "8000", 40, "2025-07-01", None),
    ]
    for did, acc, owner, stage, amount, p, close, closed in deals:
        insert(replica, "opportunity", id=did, account_id=acc, owner_id=owner, name=f"Deal {did}",
               stage=stage, amount=Decimal(amount), currency="USD", probability=p,
               expected_close=dt.date.fromisoformat(close),
               closed_at=dt.date.fromisoformat(closed) if closed else None)
    insert(replica, "opportunity_line", id="l1", opportunity_id="d1", product_id="pump", quantity=Decimal(2))
    replica.set_state("user_id", "ann")
    return replica


def column(board, stage):
    return next(c for c in board if c.stage == stage)


def test_board_columns_count_total_and_weighted(org):
    board = pipeline_board(org)
    assert [c.stage for c in board] == ["prospecting", "qualification", "proposal", "negotiation", "won", "lost"]
    assert column(board, "proposal").count == 1
    assert column(board, "proposal").total == {"USD": Decimal("10000")}
    assert column(board, "proposal").weighted == {"USD": Decimal("5000")}
    assert column(board, "negotiation").weighted == {"USD": Decimal("3000")}
    assert column(board, "qualification").weighted == {"USD": Decimal("3200")}


def test_filters_narrow_the_board(org):
    by_owner = pipeline_board(org, PipelineFilter(owner_id="sam"))
    assert sorted(c.id for col in by_owner for c in col.cards) == ["d4", "d5", "d6"]
    by_territory = pipeline_board(org, PipelineFilter(territory_id="north"))
    assert sorted(c.id for col in by_territory for c in col.cards) == ["d1", "d2", "d3"]
    by_product = pipeline_board(org, PipelineFilter(product_id="pump"))
    assert [c.id for col in by_product for c in col.cards] == ["d1"]
    may = pipeline_board(org, PipelineFilter(close_from=dt.date(2025, 5, 1), close_to=dt.date(2025, 5, 31)))
    assert sorted(c.id for col in may for c in col.cards) == ["d1", "d3", "d4", "d5"]


def test_moving_a_deal_sets_the_stage_probability_and_reaches_the_outbox(org, outbox):
    PipelineService(org).move_to_stage("d1", "negotiation", today=TODAY)
    board = pipeline_board(org)
    assert column(board, "negotiation").count == 2
    assert column(board, "negotiation").weighted == {"USD": Decimal("10500")}  # 7500 + 3000
    entries = outbox(org)
    assert [(e.entity, e.row_id, e.op) for e in entries] == [("opportunity", "d1", "update")]
    assert '"stage":"negotiation"' in entries[0].changes and '"probability":75' in entries[0].changes


def test_probability_can_be_overridden_for_an_open_stage(org):
    row = PipelineService(org).move_to_stage("d4", "proposal", probability=35, today=TODAY)
    assert (row["stage"], row["probability"]) == ("proposal", 35)


def test_won_without_a_reason_is_refused_and_nothing_is_written(org, outbox):
    with pytest.raises(ValidationError) as err:
        PipelineService(org).move_to_stage("d1", "won", today=TODAY)
    assert "reason" in err.value.errors
    assert column(pipeline_board(org), "won").count == 1
    assert outbox(org) == []


def test_won_in_the_future_is_refused(org):
    with pytest.raises(ValidationError) as err:
        PipelineService(org).move_to_stage("d1", "won", reason="Best offer", close_date=TODAY + dt.timedelta(days=3),
                                           today=TODAY)
    assert "close_date" in err.value.errors


def test_won_closes_today_with_full_probability_and_keeps_the_reason(org, outbox):
    row = PipelineService(org).move_to_stage("d1", "won", reason="Best service offer", today=TODAY)
    assert (row["stage"], row["probability"], row["closed_at"]) == ("won", 100, "2025-05-15")
    notes = [e for e in outbox(org) if e.entity == "activity"]
    assert len(notes) == 1 and "Best service offer" in notes[0].changes


def test_lost_keeps_its_reason_and_reopening_clears_it(org):
    service = PipelineService(org)
    row = service.move_to_stage("d2", "lost", reason="Price", close_date=dt.date(2025, 5, 10), today=TODAY)
    assert (row["lost_reason"], row["closed_at"], row["probability"]) == ("Price", "2025-05-10", 0)
    row = service.move_to_stage("d2", "qualification", today=TODAY)
    assert (row["lost_reason"], row["closed_at"], row["probability"]) == (None, None, 25)


def test_forecast_by_month_matches_hand_computed_numbers(org):
    rows = forecast(org, start=dt.date(2025, 5, 1), count=3, unit="month")
    got = [(r.period.label, r.won, r.weighted, r.best_case) for r in rows]
    assert got == [
        # May: won 6000; open d1 10000×50 % + d4 20000×10 %; lost d5 counts nowhere
        ("2025-05", Decimal(6000), Decimal(6000 + 5000 + 2000), Decimal(6000 + 10000 + 20000)),
        ("2025-06", Decimal(0), Decimal(3000), Decimal(4000)),
        ("2025-07", Decimal(0), Decimal(3200), Decimal(8000)),
    ]


def test_forecast_by_quarter_adds_the_months(org):
    (q2,) = forecast(org, start=dt.date(2025, 4, 1), count=1, unit="quarter")
    assert q2.period.label == "2025 Q2"
    assert (q2.won, q2.weighted, q2.best_case) == (Decimal(6000), Decimal(16000), Decimal(40000))


def test_rollup_per_rep_and_territory_against_a_quarter_of_the_yearly_quota(org):
    reps = {r.name: r for r in quota_rollup(org, day=TODAY, unit="quarter", by="rep")}
    assert reps["Ann North"].quota == Decimal(30000)
    assert (reps["Ann North"].won, reps["Ann North"].weighted) == (Decimal(6000), Decimal(14000))
    assert reps["Ann North"].attainment == pytest.approx(0.2)
    assert (reps["Sam South"].won, reps["Sam South"].weighted) == (Decimal(0), Decimal(2000))
    territories = quota_rollup(org, day=TODAY, unit="quarter", by="territory")
    assert [(t.name, t.depth, t.quota, t.weighted) for t in territories] == [
        ("East", 0, Decimal(60000), Decimal(16000)),
        ("North", 1, Decimal(30000), Decimal(14000)),
        ("South", 1, Decimal(30000), Decimal(2000)),
    ]


def test_month_quota_is_a_twelfth(org):
    reps = {r.key: r for r in quota_rollup(org, day=TODAY, unit="month", by="rep")}
    assert reps["sam"].quota == Decimal(10000)
    assert period_of(TODAY, "month").label == "2025-05"
