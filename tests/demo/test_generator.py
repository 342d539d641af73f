"""The demo data set: deterministic, consistent, realistic enough to demo with."""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest

from fieldcrm.demo.generator import BATCH_ACCOUNTS, generate
from fieldcrm.demo.places import REGIONS
from fieldcrm.storage.base import SYSTEM_FIELDS
from fieldcrm.storage.registry import ENTITY_CLASSES, REFERENCES, column_names, entity_class
from fieldcrm.storage.sales import STAGE_PROBABILITY, STAGES
from fieldcrm.storage.types import parse_timestamp
from fieldcrm.storage.validation import validate_changes

TODAY = dt.date(2025, 3, 12)  # a Wednesday
NOW = dt.datetime(2025, 3, 12, 12, tzinfo=dt.timezone.utc)
CJK = re.compile(r"[\u4e00-\u9fff]")
ACCOUNT_CHILDREN = (
    "contact", "visit", "activity", "opportunity", "opportunity_line", "sales_order",
    "sales_order_line", "service_job", "job_checklist_item", "job_part", "job_time_entry",
)


def collect(chunks) -> dict[str, list[dict]]:
    data: dict[str, list[dict]] = defaultdict(list)
    for entity, rows in chunks:
        data[entity].extend(rows)
    return data


@pytest.fixture(scope="module")
def data():
    return collect(generate(seed=42, accounts=400, today=TODAY))


@pytest.fixture(scope="module")
def by_id(data):
    return {entity: {row["id"]: row for row in rows} for entity, rows in data.items()}


def test_same_seed_gives_identical_data(data):
    again = collect(generate(seed=42, accounts=400, today=TODAY))
    assert again == data


def test_another_seed_gives_other_data(data):
    other = collect(generate(seed=43, accounts=400, today=TODAY))
    names = {a["name"] for a in data["account"]}
    other_names = {a["name"] for a in other["account"]}
    assert len(names & other_names) < len(names) // 10
    assert {a["id"] for a in data["account"]}.isdisjoint(a["id"] for a in other["account"])


def test_every_row_has_every_column_and_validates(data):
    for entity, rows in data.items():
        cls = entity_class(entity)
        columns = column_names(cls)
        for row in rows:
            assert set(row) == set(columns), entity
            validate_changes(cls, {k: v for k, v in row.items() if k not in SYSTEM_FIELDS},
                             creating=True, allow_server_owned=True)


def test_chunks_come_parents_first_and_batched():
    seen: dict[str, set] = defaultdict(set)
    for entity, rows in generate(seed=5, accounts=BATCH_ACCOUNTS + 300, today=TODAY):
        cls = entity_class(entity)
        if entity == "account":
            assert len(rows) <= BATCH_ACCOUNTS
        for row in rows:
            if cls.__parent__:
                column, parent = cls.__parent__
                assert row[column] in seen[parent], f"{entity} before its {parent}"
            for column, target in REFERENCES.items():
                if row.get(column) is not None and column in row and target != entity:
                    assert row[column] in seen[target], f"{entity}.{column} before its {target}"
            seen[entity].add(row["id"])
    assert len(seen["account"]) == BATCH_ACCOUNTS + 300


def test_references_point_at_rows_that_exist(data, by_id):
    users = by_id["user"]
    for entity, rows in data.items():
        for row in rows:
            for column, target in REFERENCES.items():
                if row.get(column) is not None:
                    assert row[column] in by_id[target], f"{entity}.{column}"
            for column in ("owner_id", "manager_id", "technician_id", "user_id", "decided_by", "updated_by"):
                if row.get(column) is not None:
                    assert row[column] in users, f"{entity}.{column}"


def test_children_belong_to_their_accounts_contacts(data, by_id):
    contacts = by_id["contact"]
    for entity in ("visit", "activity", "service_job"):
        for row in data[entity]:
            if row["contact_id"]:
                assert contacts[row["contact_id"]]["account_id"] == row["account_id"], entity


def test_owners_are_reps_of_the_account_territory(data, by_id):
    members = defaultdict(set)
    for m in data["territory_member"]:
        members[m["territory_id"]].add(m["user_id"])
    users = by_id["user"]
    accounts = by_id["account"]
    for account in data["account"]:
        assert users[account["owner_id"]]["role"] == "rep"
        assert account["owner_id"] in members[account["territory_id"]]
    for entity in ("visit", "activity", "opportunity", "sales_order"):
        for row in data[entity]:
            assert row["owner_id"] == accounts[row["account_id"]]["owner_id"], entity


def test_technicians_work_the_jobs(data, by_id):
    users = by_id["user"]
    jobs = data["service_job"]
    assert jobs
    for job in jobs:
        if job["status"] == "new":
            assert job["technician_id"] is None
        else:
            assert users[job["technician_id"]]["role"] == "technician"
    for entry in data["job_time_entry"]:
        assert entry["technician_id"] == by_id["service_job"][entry["job_id"]]["technician_id"]


def test_users_have_stable_usernames_for_every_role(data):
    roles = {u["username"]: u["role"] for u in data["user"]}
    assert roles["admin"] == "admin"
    assert roles["manager1"] == "manager" and roles[f"manager{len(REGIONS)}"] == "manager"
    assert roles["rep1"] == "rep" and roles["tech1"] == "technician"
    assert len(roles) == len(data["user"])


def test_territories_sit_under_regions_managed_by_managers(data, by_id):
    users = by_id["user"]
    regions = [t for t in data["territory"] if t["parent_id"] is None]
    assert len(regions) == len(REGIONS)
    for t in data["territory"]:
        assert users[t["manager_id"]]["role"] == "manager"
        if t["parent_id"]:
            assert by_id["territory"][t["parent_id"]]["parent_id"] is None
            assert t["code"].startswith(by_id["territory"][t["parent_id"]]["code"] + "-")


def test_stages_and_probabilities_agree(data, by_id):
    opportunities = data["opportunity"]
    assert {o["stage"] for o in opportunities} == set(STAGES)
    lines = defaultdict(list)
    for line in data["opportunity_line"]:
        lines[line["opportunity_id"]].append(line)
    for o in opportunities:
        assert o["probability"] == STAGE_PROBABILITY[o["stage"]]
        assert Decimal(o["amount"]) > 0
        if o["stage"] in ("won", "lost"):
            assert dt.date.fromisoformat(o["closed_at"]) < TODAY
        else:
            assert o["closed_at"] is None
            assert dt.date.fromisoformat(o["expected_close"]) > TODAY
        assert (o["lost_reason"] is not None) == (o["stage"] == "lost")
        if lines[o["id"]]:
            total = sum(Decimal(x["quantity"]) * Decimal(x["unit_price"]) for x in lines[o["id"]])
            assert Decimal(o["amount"]) == total.quantize(Decimal("0.01"))


def test_order_totals_add_up(data):
    lines = defaultdict(list)
    for line in data["sales_order_line"]:
        lines[line["order_id"]].append(line)
    assert data["sales_order"]
    for order in data["sales_order"]:
        assert lines[order["id"]]
        if order["total"] is not None:
            untaxed = sum(Decimal(x["quantity"]) * Decimal(x["unit_price"]) for x in lines[order["id"]])
            assert Decimal(order["total_untaxed"]) == untaxed.quantize(Decimal("0.01"))
            assert Decimal(order["total"]) == Decimal(order["total_untaxed"]) + Decimal(order["total_tax"])
        assert (order["erp_number"] is not None) == (order["status"] in ("accepted", "confirmed", "rejected"))


def test_windows_end_after_they_start(data):
    for cls in ENTITY_CLASSES:
        for start, end in cls.__windows__:
            if cls.__entity__ == "attachment":
                continue
            both = [r for r in data[cls.__entity__] if r[start] is not None and r[end] is not None]
            assert both, f"no {cls.__entity__} with {start} and {end}"
            for row in both:
                assert parse_timestamp_or_date(row[end]) > parse_timestamp_or_date(row[start]), cls.__entity__


def test_past_visits_are_settled_and_future_ones_planned(data):
    statuses = defaultdict(set)
    for visit in data["visit"]:
        when = "past" if parse_timestamp(visit["planned_end"]) < NOW else "ahead"
        statuses[when].add(visit["status"])
        if visit["status"] == "done":
            assert visit["report"] and visit["checkin_at"] and visit["checkout_lat"] is not None
    assert statuses["past"] == {"done", "missed", "cancelled"}
    assert statuses["ahead"] == {"planned"}
    assert all(parse_timestamp(v["planned_start"]).weekday() < 5 for v in data["visit"] if v["plan_id"])


def test_accounts_cluster_around_their_territory(data, by_id):
    centres = {f"{r.code}-{c.code}": c for r in REGIONS for c in r.centres}
    distances = []
    for account in data["account"]:
        centre = centres[by_id["territory"][account["territory_id"]]["code"]]
        km = math.hypot(account["lat"] - centre.lat,
                        (account["lon"] - centre.lon) * math.cos(math.radians(centre.lat))) * 111.2
        distances.append(km)
        if km < 10:
            assert account["city"] == centre.city
    distances.sort()
    assert distances[len(distances) // 2] < 25
    assert distances[-1] < 250


def test_both_locales_appear(data):
    names = [a["name"] for a in data["account"]]
    chinese = [n for n in names if CJK.search(n)]
    assert 0.3 < len(chinese) / len(names) < 0.7
    assert all(n.isascii() for n in names if not CJK.search(n))
    assert any(CJK.search(c["last_name"]) for c in data["contact"])


def test_some_customers_have_credit_and_the_overdrawn_are_blocked(data):
    with_credit = [a for a in data["account"] if a["credit_limit"] is not None]
    assert 0.2 < len(with_credit) / len(data["account"]) < 0.6
    for a in with_credit:
        assert a["type"] == "customer"
        assert a["erp_blocked"] == (Decimal(a["credit_amount"]) > Decimal(a["credit_limit"]))


def test_a_hundred_accounts_have_about_five_children_each():
    data = collect(generate(seed=42, accounts=100, today=TODAY))
    assert len(data["account"]) == 100
    children = sum(len(data[e]) for e in ACCOUNT_CHILDREN)
    assert 4.0 <= children / 100 <= 6.0
    assert all(1 <= n <= 3 for n in _per_account(data["contact"]).values())
    assert len(_per_account(data["contact"])) == 100


def parse_timestamp_or_date(text: str):
    return dt.date.fromisoformat(text) if len(text) == 10 else parse_timestamp(text)


def _per_account(rows) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["account_id"]] += 1
    return counts


def test_ids_are_time_ordered_in_the_order_rows_are_made():
    made = [row for _, rows in generate(seed=42, accounts=50, today=TODAY) for row in rows]
    in_version_order = [row["id"] for row in sorted(made, key=lambda r: r["version"])]
    assert in_version_order == sorted(in_version_order)
    assert len(set(in_version_order)) == len(made)
    first = uuid.UUID(in_version_order[0])
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    # The time part is a creation time within the demo's past, before today.
    assert dt.datetime.fromtimestamp((first.int >> 80) / 1000, dt.timezone.utc) < NOW - dt.timedelta(days=300)


def _local_day(stamp_text: str, account: dict, by_id) -> dt.date:
    """The visit's day in its territory (the demo's times are the territory's wall clock)."""
    from fieldcrm.demo.places import REGIONS as regions
    territory = by_id["territory"][account["territory_id"]]["code"]
    offset = next(r.utc_offset for r in regions if territory.startswith(r.code + "-"))
    return (parse_timestamp(stamp_text) + dt.timedelta(hours=offset)).date()


@pytest.mark.parametrize("today", [TODAY, dt.date(2025, 3, 15)], ids=["wednesday", "saturday"])
def test_every_rep_has_a_day_of_visits_and_tasks_today(today):
    """The demo opens on Today: each rep sees a round of visits and tasks due,
    on a weekend too; weekend visits belong to no (Monday to Friday) plan."""
    data = collect(generate(seed=42, accounts=400, today=today))
    by_id = {entity: {row["id"]: row for row in rows} for entity, rows in data.items()}
    reps = [u["id"] for u in data["user"] if u["role"] == "rep"]
    visits_today, tasks_today = defaultdict(list), defaultdict(int)
    for visit in data["visit"]:
        account = by_id["account"][visit["account_id"]]
        if _local_day(visit["planned_start"], account, by_id) == today:
            visits_today[visit["owner_id"]].append(visit)
    for activity in data["activity"]:
        account = by_id["account"][activity["account_id"]]
        if activity["due_at"] and not activity["done"] and _local_day(activity["due_at"], account, by_id) == today:
            tasks_today[activity["owner_id"]] += 1
    assert reps
    for rep in reps:
        assert len(visits_today[rep]) >= 4, rep
        assert tasks_today[rep] >= 2, rep
        starts = sorted(v["planned_start"] for v in visits_today[rep])
        assert len(set(starts)) == len(starts)  # one after another, not on top of each other
    if today.weekday() >= 5:
        assert all(v["plan_id"] is None for visits in visits_today.values() for v in visits)
