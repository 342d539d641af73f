"""The demo company: its people, territories, catalogue and visit plans.

Usernames are stable (``admin``, ``manager1``, ``rep1``, ``tech1`` …) so the
demo can sign in as any role; numbering follows regions and territories in
order, so ``rep1`` always works in the first territory.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

from fieldcrm.demo.locales import LocalePeople
from fieldcrm.demo.places import REGIONS, USD_RATE, Centre, Region
from fieldcrm.demo.rows import RowMaker, money, stamp

ACCOUNTS_PER_REP = 250
ACCOUNTS_PER_TECHNICIAN = 2000
MAX_TERRITORIES_PER_REGION = 10
ACCOUNTS_PER_TERRITORY = 10_000


@dataclass
class TerritoryPlan:
    id: str
    region: Region
    centre: Centre
    people: LocalePeople
    manager_id: str
    reps: list[str] = field(default_factory=list)
    technicians: list[str] = field(default_factory=list)


@dataclass
class Organisation:
    admin_id: str
    territories: list[TerritoryPlan]
    products: list[dict]
    parts: list[dict]
    plan_ids: dict[tuple[str, dt.date], str]  # (rep id, monday) → visit plan id
    rows: dict[str, list[dict]]  # reference rows by entity, parents first


def _shape(accounts: int) -> tuple[int, int, int]:
    """(territories per region, reps per territory, technicians per region)."""
    per_region = len(REGIONS)
    territories = min(MAX_TERRITORIES_PER_REGION, max(2, math.ceil(accounts / per_region / ACCOUNTS_PER_TERRITORY)))
    per_territory = accounts / (per_region * territories)
    reps = max(2, round(per_territory / ACCOUNTS_PER_REP))
    technicians = max(2, math.ceil(accounts / per_region / ACCOUNTS_PER_TECHNICIAN))
    return territories, reps, technicians


def _user(make: RowMaker, people: LocalePeople, admin_id: str | None, username: str, role: str,
          manager_id: str | None, centre: Centre) -> dict:
    first, last = people.person()
    return make.make(
        "user", by=admin_id, username=username, display_name=people.full_name(first, last), role=role,
        manager_id=manager_id, email=f"{username}@fieldcrm-demo.com", phone=people.mobile_phone(centre),
        active=True,
    )


def build_organisation(make: RowMaker, people: dict[str, LocalePeople], accounts: int,
                       today: dt.date) -> Organisation:
    per_region, reps_each, techs_each = _shape(accounts)
    users: list[dict] = []
    territories: list[dict] = []
    members: list[dict] = []
    plans: list[TerritoryPlan] = []
    admin = _user(make, people["en_US"], None, "admin", "admin", None, REGIONS[0].centres[0])
    admin_id = admin["id"]
    admin["updated_by"] = admin_id
    users.append(admin)
    counters = {"rep": 0, "technician": 0}
    for number, region in enumerate(REGIONS, start=1):
        folk = people[region.locale]
        manager = _user(make, folk, admin_id, f"manager{number}", "manager", None, region.centres[0])
        users.append(manager)
        region_row = make.make("territory", by=admin_id, code=region.code, name=region.name,
                               parent_id=None, manager_id=manager["id"])
        territories.append(region_row)
        technicians = []
        for _ in range(techs_each):
            counters["technician"] += 1
            centre = region.centres[counters["technician"] % per_region]
            tech = _user(make, folk, admin_id, f"tech{counters['technician']}", "technician", manager["id"], centre)
            users.append(tech)
            technicians.append(tech["id"])
            members.append(make.make("territory_member", by=admin_id, territory_id=region_row["id"],
                                     user_id=tech["id"], quota=None))
        for centre in region.centres[:per_region]:
            row = make.make("territory", by=admin_id, code=f"{region.code}-{centre.code}", name=centre.city,
                            parent_id=region_row["id"], manager_id=manager["id"])
            territories.append(row)
            plan = TerritoryPlan(row["id"], region, centre, folk, manager["id"], technicians=technicians)
            for _ in range(reps_each):
                counters["rep"] += 1
                rep = _user(make, folk, admin_id, f"rep{counters['rep']}", "rep", manager["id"], centre)
                users.append(rep)
                plan.reps.append(rep["id"])
                quota = Decimal(make.rng.randrange(400, 1200) * 1000) * Decimal(USD_RATE[region.currency])
                members.append(make.make("territory_member", by=admin_id, territory_id=row["id"],
                                         user_id=rep["id"], quota=money(quota)))
            plans.append(plan)
    products, parts = _catalogue(make, admin_id)
    plan_rows, plan_ids = _visit_plans(make, plans, today)
    return Organisation(
        admin_id=admin_id, territories=plans, products=products, parts=parts, plan_ids=plan_ids,
        rows={"user": users, "territory": territories, "territory_member": members,
              "product": products + parts, "visit_plan": plan_rows},
    )


_EQUIPMENT = (
    ("CMP", "Air compressor", (2400, 18000)), ("PMP", "Centrifugal pump", (900, 7500)),
    ("CHL", "Water chiller", (6000, 42000)), ("BLR", "Steam boiler", (12000, 65000)),
    ("GEN", "Diesel generator", (8000, 90000)), ("HVC", "Rooftop HVAC unit", (5000, 30000)),
    ("CNV", "Belt conveyor", (3000, 25000)), ("DRY", "Refrigerated air dryer", (1500, 9000)),
)
_MODELS = ("Compact", "Standard", "Pro", "Heavy Duty")
_PARTS = (
    ("FLT", "Filter cartridge", 45), ("SEL", "Shaft seal kit", 120), ("VLV", "Pressure relief valve", 210),
    ("BRG", "Bearing set", 160), ("BLT", "Drive belt", 60), ("SNS", "Temperature sensor", 95),
    ("CTL", "Control board", 640), ("OIL", "Synthetic oil 5 l", 80),
)
_SERVICES = (("SVC-PLAN", "Annual service plan", 1800), ("SVC-HOUR", "Service technician hour", 95))


def _catalogue(make: RowMaker, admin_id: str) -> tuple[list[dict], list[dict]]:
    rng = make.rng
    products, parts = [], []
    number = 0
    for code, name, (low, high) in _EQUIPMENT:
        for i, model in enumerate(_MODELS):
            number += 1
            price = low + (high - low) * i / (len(_MODELS) - 1)
            products.append(make.make(
                "product", by=admin_id, erp_ref=f"P{100000 + number}", sku=f"{code}-{1000 + i * 100 + number}",
                name=f"{name} {model}", unit="unit", list_price=money(round(price, -1)), currency="USD",
                active=rng.random() > 0.05,
            ))
    for sku, name, price in _SERVICES:
        number += 1
        products.append(make.make("product", by=admin_id, erp_ref=f"P{100000 + number}", sku=sku, name=name,
                                  unit="hour" if sku.endswith("HOUR") else "unit", list_price=money(price),
                                  currency="USD", active=True))
    for code, name, price in _PARTS:
        number += 1
        parts.append(make.make("product", by=admin_id, erp_ref=f"P{100000 + number}", sku=f"SP-{code}-{number:03d}",
                               name=name, unit="piece", list_price=money(price), currency="USD", active=True))
    return products, parts


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


PLAN_WEEKS = range(-8, 3)  # eight past weeks, this week, two ahead
_RETURN_COMMENT = {False: "Please add the key accounts in the north.", True: "请补充北区的重点客户。"}


def _visit_plans(make: RowMaker, territories: list[TerritoryPlan], today: dt.date):
    rng = make.rng
    rows, ids = [], {}
    this_week = monday(today)
    for plan in territories:
        for rep in plan.reps:
            for week in PLAN_WEEKS:
                start = this_week + dt.timedelta(weeks=week)
                if week < 0:
                    status = "approved" if rng.random() < 0.93 else "returned"
                elif week == 0:
                    status = rng.choice(("approved", "approved", "submitted"))
                else:
                    status = "draft" if week == 2 or rng.random() < 0.5 else "submitted"
                submitted = decided = None
                if status != "draft":
                    submitted = dt.datetime.combine(start - dt.timedelta(days=3), dt.time(16, 30), dt.timezone.utc)
                    submitted = min(submitted, make.now - dt.timedelta(hours=rng.randint(1, 6)))
                if status in ("approved", "returned"):
                    decided = min(submitted + dt.timedelta(hours=rng.randint(2, 40)),
                                  make.now - dt.timedelta(minutes=10))
                row = make.make(
                    "visit_plan", by=rep, owner_id=rep, period_start=start.isoformat(),
                    period_end=(start + dt.timedelta(days=4)).isoformat(), status=status,
                    manager_comment=_RETURN_COMMENT[plan.people.chinese] if status == "returned" else None,
                    submitted_at=stamp(submitted) if submitted else None,
                    decided_at=stamp(decided) if decided else None,
                    decided_by=plan.manager_id if decided else None,
                )
                rows.append(row)
                ids[(rep, start)] = row["id"]
    return rows, ids
