"""Scheduling services: due visits into a plan, the plan's approval, the day's
route (optimise, pin, re-optimise), warnings on a day edited by hand, visits."""

import datetime as dt

import pytest

from fieldcrm.routing import Location, TravelSettings
from fieldcrm.services.scheduling import (
    day_span, day_warnings, pin_visit, plan_day, reschedule, route_of_day, schedule_entries,
)
from fieldcrm.services.visit_plans import (
    accept_due_visits, approve_plan, check_in, check_out, due_visits, plans_to_decide, return_plan,
    submit_plan,
)
from fieldcrm.storage.validation import ValidationError

TZ = dt.timezone(dt.timedelta(hours=2))
MONDAY = dt.date(2025, 5, 19)
FRIDAY = dt.date(2025, 5, 23)
# Six customers on a line east of the office, 3 km apart, listed out of order.
PLACES = {"c3": 3, "c1": 1, "c5": 5, "c2": 2, "c6": 6, "c4": 4}
OFFICE = Location(52.52, 13.30)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


@pytest.fixture
def rep(replica, insert):
    insert(replica, "user", id="mgr", username="mgr", display_name="Maria", role="manager")
    insert(replica, "user", id="ann", username="ann", display_name="Ann", role="rep", manager_id="mgr")
    for n, (aid, km) in enumerate(PLACES.items()):
        insert(replica, "account", id=aid, name=f"{n} Customer at {km} km", owner_id="ann", lat=52.52,
               lon=13.30 + km * 3 / 67.8, visit_frequency_days=28)
    replica.set_state("user_id", "ann")
    return replica


def visits_of(replica, day):
    return [e for e in schedule_entries(replica, *day_span(day, TZ), ["ann"]) if e.entity == "visit"]


def plan_monday(replica, first=MONDAY, last=FRIDAY):
    due = due_visits(replica, "ann", first, last)
    return due, accept_due_visits(replica, "ann", first, last, [(d.account_id, d.due) for d in due], tz=TZ)


def test_due_visits_follow_frequency_and_last_visit(rep, insert):
    done = at(MONDAY, 10) - dt.timedelta(days=10)
    insert(rep, "visit", id="old", account_id="c1", owner_id="ann", status="done", planned_start=done,
           planned_end=done + dt.timedelta(hours=1), checkin_at=done)
    due = {d.account_id: d for d in due_visits(rep, "ann", MONDAY, FRIDAY)}
    assert "c1" not in due  # visited 10 days ago, every 28 days: not due this week
    assert set(due) == {"c2", "c3", "c4", "c5", "c6"}  # never visited: due at once
    assert due["c2"].due == MONDAY and due["c2"].last_visit is None


def test_accepting_due_visits_makes_a_draft_plan_and_they_stop_being_due(rep):
    due, plan = plan_monday(rep)
    assert plan["status"] == "draft" and plan["period_start"] == MONDAY.isoformat()
    assert len(visits_of(rep, MONDAY)) == len(due) == 6
    assert due_visits(rep, "ann", MONDAY, FRIDAY) == []


def test_plan_submit_return_with_comment_then_approve(rep, outbox):
    _, plan = plan_monday(rep)
    assert submit_plan(rep, plan["id"])["status"] == "submitted"
    with pytest.raises(ValidationError):
        accept_due_visits(rep, "ann", MONDAY, FRIDAY, [("c1", MONDAY)], tz=TZ)
    rep.set_state("user_id", "mgr")
    (waiting,) = plans_to_decide(rep, "mgr")
    assert (waiting["owner_name"], waiting["visits"]) == ("Ann", 6)
    with pytest.raises(ValidationError):
        return_plan(rep, plan["id"], "  ")
    returned = return_plan(rep, plan["id"], "Add the key accounts")
    assert (returned["status"], returned["manager_comment"], returned["decided_by"]) == (
        "returned", "Add the key accounts", "mgr")
    rep.set_state("user_id", "ann")
    submit_plan(rep, plan["id"])
    approved = approve_plan(rep, plan["id"])
    assert approved["status"] == "approved"
    with pytest.raises(ValidationError):
        approve_plan(rep, plan["id"])
    ops = [(e.entity, e.op) for e in outbox(rep) if e.entity == "visit_plan"]
    assert ops and all(op in ("create", "update") for _, op in ops)


def order_of(replica):
    return [e.account_id for e in sorted(route_of_day(replica, "ann", MONDAY, tz=TZ), key=lambda e: e.start)]


def test_optimised_day_drives_out_along_the_line_and_back_and_saves_times(rep):
    plan_monday(rep)
    assert order_of(rep) == list(PLACES)  # as accepted: zig-zags up and down the line
    plan = plan_day(rep, "ann", MONDAY, tz=TZ, home=OFFICE, seconds=1)
    assert plan.unplanned == []
    assert plan.distance_m == pytest.approx(2 * 18_000 * 1.3, rel=0.01)  # out to 18 km and back
    assert order_of(rep) != list(PLACES)
    visits = sorted(visits_of(rep, MONDAY), key=lambda e: e.start)
    assert [v.route_order for v in visits] == list(range(6))
    assert all(a.end <= b.start for a, b in zip(visits, visits[1:]))


def test_a_pinned_visit_keeps_its_place_when_the_day_is_reoptimised(rep):
    plan_monday(rep)
    plan_day(rep, "ann", MONDAY, tz=TZ, home=OFFICE, seconds=1)
    visits = {e.account_id: e for e in visits_of(rep, MONDAY)}
    pin_visit(rep, visits["c5"].id)
    reschedule(rep, "visit", visits["c5"].id, at(MONDAY, 8))  # dragged first by hand: still pinned there
    first_place = visits["c5"].route_order
    plan_day(rep, "ann", MONDAY, tz=TZ, home=OFFICE, seconds=1)
    after = {e.account_id: e for e in visits_of(rep, MONDAY)}
    assert after["c5"].pinned and after["c5"].route_order == first_place
    assert order_of(rep).index("c5") == first_place


def test_warnings_flag_overlap_window_and_a_drive_that_does_not_fit(rep, insert):
    hours = (at(MONDAY, 8), at(MONDAY, 17))
    insert(rep, "visit", id="va", account_id="c1", owner_id="ann", planned_start=at(MONDAY, 9),
           planned_end=at(MONDAY, 10))
    insert(rep, "visit", id="vb", account_id="c1", owner_id="ann", planned_start=at(MONDAY, 9, 30),
           planned_end=at(MONDAY, 10, 15))
    insert(rep, "service_job", id="jw", account_id="c6", technician_id="ann", title="Repair",
           scheduled_start=at(MONDAY, 10, 20), scheduled_end=at(MONDAY, 11),
           window_start=at(MONDAY, 13), window_end=at(MONDAY, 15))
    entries = schedule_entries(rep, *day_span(MONDAY, TZ), ["ann"])
    codes = {(w.id, w.code) for w in day_warnings(entries, hours=hours)}
    assert ("vb", "overlap") in codes
    assert ("jw", "window") in codes
    assert ("jw", "travel") in codes  # 15 km in 5 minutes
    assert not any(i == "va" for i, _ in codes)
    slow = day_warnings(entries, hours=hours, travel=TravelSettings(average_speed_kmh=400))
    assert ("jw", "travel") not in {(w.id, w.code) for w in slow}


def test_rescheduling_to_another_person_keeps_the_length(rep, insert):
    insert(rep, "user", id="tom", username="tom", display_name="Tom", role="technician")
    insert(rep, "service_job", id="j1", account_id="c2", title="Install", status="new",
           scheduled_start=at(MONDAY, 9), scheduled_end=at(MONDAY, 11))
    moved = reschedule(rep, "service_job", "j1", at(MONDAY, 13), person_id="tom")
    assert (moved["end"] - moved["start"], moved["person_id"]) == (dt.timedelta(hours=2), "tom")
    (job,) = schedule_entries(rep, *day_span(MONDAY, TZ), ["tom"])
    assert (job.start, job.status) == (at(MONDAY, 13), "scheduled")


def test_check_in_and_out_with_position_and_report(rep, insert):
    insert(rep, "visit", id="v", account_id="c1", owner_id="ann", planned_start=at(MONDAY, 9),
           planned_end=at(MONDAY, 10))
    with pytest.raises(ValidationError):
        check_out(rep, "v", at(MONDAY, 10))
    row = check_in(rep, "v", at(MONDAY, 9, 5), lat=52.52, lon=13.34)
    assert (row["status"], row["checkin_lat"]) == ("checked_in", 52.52)
    with pytest.raises(ValidationError):
        check_out(rep, "v", at(MONDAY, 9))
    row = check_out(rep, "v", at(MONDAY, 9, 50), report="Demo went well")
    assert (row["status"], row["report"]) == ("done", "Demo went well")
