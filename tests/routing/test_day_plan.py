"""Planning a rep's day: the rules hold, nothing impossible breaks the plan, and it saves driving."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldcrm.routing import (
    Location,
    Stop,
    TimeWindow,
    TravelSettings,
    WorkingDay,
    find_violations,
    plan_route,
    plan_routes,
    time_route,
)

MONDAY = dt.date(2026, 3, 2)
OFFICE = Location(52.5200, 13.4050)  # Berlin Mitte
SEARCH_SECONDS = 0.6


def at(hour: int, minute: int = 0, date: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(hour, minute))


def working_day(date: dt.date = MONDAY, **kwargs) -> WorkingDay:
    return WorkingDay(at(8, 0, date), at(17, 0, date), OFFICE, **kwargs)


def clustered_customers() -> list[Stop]:
    """Fifteen customers in three districts, listed alphabetically as a CRM would show them."""
    districts = {
        "Spandau": (52.5360, 13.2000),
        "Koepenick": (52.4450, 13.5750),
        "Pankow": (52.5690, 13.4020),
    }
    stops = []
    for k in range(5):
        for district, (lat, lon) in districts.items():
            stops.append(
                Stop(
                    f"{district}-{k}",
                    Location(lat + 0.006 * (k - 2), lon + 0.009 * ((k * 3) % 5 - 2)),
                    dt.timedelta(minutes=20),
                    name=f"{district} customer {k}",
                )
            )
    return stops


def test_plan_keeps_windows_appointments_and_working_hours():
    stops = clustered_customers()
    stops[0] = Stop("win", stops[0].location, window=TimeWindow(dt.time(14), dt.time(15)))
    stops[1] = Stop("appt", stops[1].location, appointment=at(10, 30))
    stops[2] = Stop("morning", stops[2].location, window=TimeWindow(at(8), at(9, 15)))
    day = working_day()

    plan = plan_route(stops, day, seconds=SEARCH_SECONDS)

    assert plan.unplanned == []
    assert find_violations(plan) == []
    by_id = {v.stop.id: v for v in plan.visits}
    assert at(14) <= by_id["win"].start <= at(15)
    assert by_id["appt"].start == at(10, 30)
    assert at(8) <= by_id["morning"].start <= at(9, 15)
    assert plan.departure >= day.start
    assert plan.return_time <= day.end
    for earlier, later in zip(plan.visits, plan.visits[1:]):
        assert later.arrival > earlier.end  # a drive between different places takes time


def test_pinned_stop_stays_in_place_when_the_day_is_replanned():
    stops = clustered_customers()
    day = working_day()
    first = plan_route(stops, day, seconds=SEARCH_SECONDS)
    last = first.visits[-1].stop
    assert first.visits[0].stop.id != last.id
    pinned = Stop(last.id, last.location, last.duration, name=last.name, pinned_position=0)
    stops = [pinned if s.id == last.id else s for s in stops]

    again = plan_route(stops, day, seconds=SEARCH_SECONDS)

    assert again.visits[0].stop.id == last.id
    assert len(again.visits) == len(stops)
    assert find_violations(again) == []


def test_impossible_stops_are_reported_and_the_rest_is_planned():
    stops = clustered_customers()[:6]
    evening = Stop("evening", OFFICE, window=TimeWindow(dt.time(19), dt.time(20)), name="Evening Bar")
    marathon = Stop("marathon", OFFICE, duration=dt.timedelta(hours=10), name="Stocktake")
    day = working_day()

    plan = plan_route([evening, *stops, marathon], day, seconds=SEARCH_SECONDS)

    assert {v.stop.id for v in plan.visits} == {s.id for s in stops}
    reasons = {u.stop.id: u for u in plan.unplanned}
    assert set(reasons) == {"evening", "marathon"}
    assert "19:00–20:00" in reasons["evening"].reason
    assert reasons["evening"].code == "window"
    assert "does not fit in the working day" in reasons["marathon"].reason
    assert find_violations(plan) == []


def test_clashing_appointments_keep_one_and_explain_the_other():
    spandau, koepenick = clustered_customers()[0:2]
    a = Stop("a", spandau.location, dt.timedelta(minutes=45), appointment=at(11))
    b = Stop("b", koepenick.location, dt.timedelta(minutes=45), appointment=at(11, 15))

    plan = plan_route([a, b], working_day(), seconds=SEARCH_SECONDS)

    assert len(plan.visits) == 1
    [left_out] = plan.unplanned
    assert left_out.code == "appointment"
    assert "clashes" in left_out.reason
    assert find_violations(plan) == []


def test_window_already_taken_is_explained_with_the_window():
    spandau, koepenick = clustered_customers()[0:2]
    window = TimeWindow(dt.time(14), dt.time(14, 10))
    first = Stop("first", spandau.location, dt.timedelta(minutes=50), window=window)
    second = Stop("second", koepenick.location, dt.timedelta(minutes=50), window=window)

    plan = plan_route([first, second], working_day(), seconds=SEARCH_SECONDS)

    [left_out] = plan.unplanned
    assert left_out.reason.startswith("outside the customer's window 14:00–14:10")


def test_planned_day_drives_much_less_than_the_list_order():
    stops = clustered_customers()
    day = working_day()

    naive = time_route(stops, day)
    plan = plan_route(stops, day, seconds=SEARCH_SECONDS)

    assert len(plan.visits) == len(stops)
    assert plan.travel_time < 0.6 * naive.travel_time
    assert plan.distance_m < 0.6 * naive.distance_m


def test_crew_shares_the_work_within_van_capacity():
    stops = [
        Stop(s.id, s.location, s.duration, demand=3) for s in clustered_customers()
    ]
    crew = [working_day(capacity=24, label="Anna"), working_day(capacity=24, label="Ben")]

    plan = plan_routes(stops, crew, seconds=SEARCH_SECONDS)

    assert plan.unplanned == []
    assert sorted(s.id for r in plan.routes for s in r.stops) == sorted(s.id for s in stops)
    for route in plan.routes:
        assert sum(s.demand for s in route.stops) <= 24
        assert find_violations(route) == []


def test_week_plan_puts_a_dated_window_on_its_day():
    tuesday = MONDAY + dt.timedelta(days=1)
    stops = clustered_customers()[:4]
    dated = Stop("tue", stops[0].location, window=TimeWindow(at(9, 0, tuesday), at(10, 0, tuesday)))
    week = [working_day(MONDAY), working_day(tuesday)]

    plan = plan_routes([*stops, dated], week, seconds=SEARCH_SECONDS)

    assert plan.unplanned == []
    assert "tue" in [s.id for s in plan.routes[1].stops]
    assert all(find_violations(r) == [] for r in plan.routes)


def test_travel_time_follows_distance_road_factor_and_speed():
    settings = TravelSettings(road_factor=1.2, average_speed_kmh=60)
    equator = WorkingDay(at(0), at(23), Location(0.0, 0.0))
    one_degree_east = Stop("east", Location(0.0, 1.0), dt.timedelta(0))

    plan = time_route([one_degree_east], equator, travel=settings)

    # one degree of longitude on the equator is 111.195 km of great circle
    leg = plan.visits[0]
    assert leg.distance_from_previous_m == pytest.approx(111_195 * 1.2, rel=1e-4)
    assert leg.travel_from_previous.total_seconds() == pytest.approx(
        111.195 * 1.2 / 60 * 3600, rel=1e-4
    )
    assert plan.distance_m == pytest.approx(2 * 111_195 * 1.2, rel=1e-4)


def test_a_hand_made_order_that_misses_a_window_is_flagged():
    stops = clustered_customers()[:3]
    early = Stop("early", stops[2].location, window=TimeWindow(dt.time(8), dt.time(8, 30)))
    day = working_day()

    plan = time_route([*stops, early], day)  # the window is long gone by the fourth visit

    codes = [(v.stop_id, v.code) for v in find_violations(plan)]
    assert ("early", "window") in codes
