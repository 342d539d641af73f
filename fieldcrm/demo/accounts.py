"""Accounts scattered around their territory, with the sales side of each.

An account sits near its territory's centre (most within a city, some out in
the country), is owned by one of the territory's reps and carries contacts,
visits in the past and ahead, activities and opportunities in every stage.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from decimal import Decimal

from fieldcrm.demo import odds, texts
from fieldcrm.demo.organisation import Organisation, TerritoryPlan, monday
from fieldcrm.demo.places import USD_RATE
from fieldcrm.demo.rows import RowMaker, money, stamp
from fieldcrm.storage.sales import STAGE_PROBABILITY

KM_PER_DEGREE = 111.2
CITY_RADIUS_KM = 18
# A rep's visits today (local start times) and tasks due today: the day the
# demo opens on, on any weekday.
TODAY_VISIT_HOURS = ((9, 0), (10, 30), (13, 30), (15, 0))
TODAY_TASKS = 2


def local_time(plan: TerritoryPlan, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time in the territory, as an aware datetime."""
    zone = dt.timezone(dt.timedelta(hours=plan.region.utc_offset))
    return dt.datetime.combine(day, dt.time(hour, minute), zone)


def working_day(day: dt.date) -> dt.date:
    """The day itself, or the Friday before a weekend day."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


class AccountContext:
    """One account being made, and what its children need to know about it."""

    def __init__(self, row: dict, plan: TerritoryPlan):
        self.row = row
        self.plan = plan
        self.id = row["id"]
        self.owner = row["owner_id"]
        self.chinese = plan.people.chinese
        self.contacts: list[dict] = []
        self.opportunities: list[dict] = []


class SalesSide:
    """Makes accounts and their contacts, visits, activities and opportunities."""

    def __init__(self, make: RowMaker, org: Organisation, today: dt.date):
        self.make = make
        self.rng = make.rng
        self.org = org
        self.today = today
        self.now = make.now
        self.equipment = [p for p in org.products if p["active"]]
        # Each rep's day today, whatever the weekday: the demo opens on it.
        self._visits_today: Counter = Counter()
        self._tasks_today: Counter = Counter()

    # -- the account ------------------------------------------------------
    def account(self, number: int, out: dict[str, list[dict]]) -> AccountContext:
        rng = self.rng
        plan = self.org.territories[number % len(self.org.territories)]
        centre, folk = plan.centre, plan.people
        spread = 0.32 if rng.random() < 0.15 else 0.08  # degrees: country or city
        dlat = rng.gauss(0, spread)
        dlon = rng.gauss(0, spread) / math.cos(math.radians(centre.lat))
        km = math.hypot(dlat, dlon * math.cos(math.radians(centre.lat))) * KM_PER_DEGREE
        city = centre.city if km < CITY_RADIUS_KM else rng.choice(folk.towns)
        name, domain = folk.company(city)
        kind = odds.ACCOUNT_TYPE.pick(rng)
        segment = odds.SEGMENT.pick(rng)
        credit_limit = credit_amount = None
        blocked = False
        if kind == "customer" and rng.random() < 0.7:
            rate = Decimal(USD_RATE[plan.region.currency])
            limit = Decimal(rng.choice((5, 10, 20, 25, 50, 75, 100, 150, 250)) * 1000) * rate
            used = limit * Decimal(rng.uniform(0, 1.08)).quantize(Decimal("0.0001"))
            credit_limit, credit_amount = money(limit), money(used)
            blocked = used > limit
        owner = rng.choice(plan.reps)
        row = self.make.make(
            "account", by=owner,
            erp_ref=f"C{1_000_000 + number}" if kind == "customer" else None,
            name=name, type=kind, industry=rng.choice(texts.INDUSTRIES), segment=segment,
            territory_id=plan.id, owner_id=owner,
            street=folk.street(), city=city, postal_code=folk.postal_code(centre),
            region=centre.state, country=plan.region.country,
            phone=folk.office_phone(centre), email=f"info@{domain}", website=f"https://www.{domain}",
            lat=round(centre.lat + dlat, 6), lon=round(centre.lon + dlon, 6),
            visit_frequency_days=rng.choice(texts.SEGMENT_FREQUENCY[segment]),
            credit_limit=credit_limit, credit_amount=credit_amount, erp_blocked=blocked,
        )
        out["account"].append(row)
        return AccountContext(row, plan)

    # -- people at the account -------------------------------------------
    def contacts(self, acc: AccountContext, out) -> None:
        rng, folk = self.rng, acc.plan.people
        domain = acc.row["email"].split("@", 1)[1]
        for position in range(odds.CONTACTS.pick(rng)):
            first, last = folk.person()
            row = self.make.make(
                "contact", by=acc.owner, account_id=acc.id, first_name=first, last_name=last,
                title=rng.choice(texts.TITLES[acc.chinese]), phone=acc.row["phone"],
                mobile=folk.mobile_phone(acc.plan.centre), email=folk.email(first, last, domain),
                city=acc.row["city"], is_primary=position == 0,
            )
            acc.contacts.append(row)
            out["contact"].append(row)

    def _contact_id(self, acc: AccountContext, chance: float):
        return self.rng.choice(acc.contacts)["id"] if acc.contacts and self.rng.random() < chance else None

    # -- visits ------------------------------------------------------------
    def visits(self, acc: AccountContext, out) -> None:
        rng = self.rng
        count = odds.VISITS.pick(rng)
        for _ in range(count):
            day = working_day(self.today + dt.timedelta(days=rng.randint(-56, 14)))
            slot = rng.randint(0, 7)
            start = local_time(acc.plan, day, 8 + slot, rng.choice((0, 15, 30)))
            end = start + dt.timedelta(minutes=rng.choice((30, 45, 60, 90)))
            if day != self.today:  # today is the rep's planned round below
                self._visit(acc, out, start, end, slot)
        # The rep's day today: a round of visits at their first accounts.
        done_today = self._visits_today[acc.owner]
        if done_today < len(TODAY_VISIT_HOURS) and rng.random() < 0.5:
            hour, minute = TODAY_VISIT_HOURS[done_today]
            start = local_time(acc.plan, self.today, hour, minute)
            self._visit(acc, out, start, start + dt.timedelta(minutes=60), done_today)
            self._visits_today[acc.owner] += 1

    def _visit(self, acc: AccountContext, out, start: dt.datetime, end: dt.datetime, slot: int) -> None:
        rng, day = self.rng, start.date()
        plan_id = self.org.plan_ids.get((acc.owner, monday(day))) if day.weekday() < 5 else None
        row = dict(
            account_id=acc.id, owner_id=acc.owner, plan_id=plan_id,
            contact_id=self._contact_id(acc, 0.6), planned_start=stamp(start), planned_end=stamp(end),
            status="planned", objective=rng.choice(texts.OBJECTIVES[acc.chinese]), route_order=slot,
        )
        if end < self.now:
            row["status"] = odds.PAST_VISIT.pick(rng)
        if row["status"] == "done":
            checkin = start + dt.timedelta(minutes=rng.randint(-10, 20))
            checkout = checkin + (end - start) + dt.timedelta(minutes=rng.randint(-15, 25))
            lat, lon = acc.row["lat"], acc.row["lon"]
            row.update(
                report=rng.choice(texts.REPORTS[acc.chinese]),
                checkin_at=stamp(checkin), checkout_at=stamp(checkout),
                checkin_lat=round(lat + rng.gauss(0, 0.0004), 6), checkin_lon=round(lon + rng.gauss(0, 0.0004), 6),
                checkout_lat=round(lat + rng.gauss(0, 0.0004), 6), checkout_lon=round(lon + rng.gauss(0, 0.0004), 6),
                updated_at=stamp(checkout + dt.timedelta(minutes=rng.randint(1, 240))),
            )
        out["visit"].append(self.make.make("visit", by=acc.owner, **row))

    # -- activities ------------------------------------------------------
    def activities(self, acc: AccountContext, out) -> None:
        rng = self.rng
        for _ in range(odds.ACTIVITIES.pick(rng)):
            kind = odds.ACTIVITY_KIND.pick(rng)
            due = done_at = None
            done = False
            if kind != "note" and self._tasks_today[acc.owner] < TODAY_TASKS:
                # The rep's first open items are due today.
                due = local_time(acc.plan, self.today, rng.choice((10, 11, 14, 16)))
                self._tasks_today[acc.owner] += 1
            elif kind != "note":
                due = self.now + dt.timedelta(days=rng.randint(-60, 21), hours=rng.randint(-4, 4))
                done = due < self.now and rng.random() < 0.9
                done_at = min(due + dt.timedelta(hours=rng.randint(0, 48)), self.now) if done else None
            opportunity = rng.choice(acc.opportunities)["id"] if acc.opportunities and rng.random() < 0.4 else None
            out["activity"].append(self.make.make(
                "activity", by=acc.owner, kind=kind, subject=rng.choice(texts.ACTIVITY_SUBJECTS[kind][acc.chinese]),
                account_id=acc.id, contact_id=self._contact_id(acc, 0.5), opportunity_id=opportunity,
                owner_id=acc.owner, due_at=stamp(due) if due else None, done=done,
                done_at=stamp(done_at) if done_at else None,
            ))

    # -- opportunities ---------------------------------------------------
    def price(self, product: dict, acc: AccountContext) -> Decimal:
        """The product's list price in the account's currency."""
        return Decimal(product["list_price"]) * Decimal(USD_RATE[acc.plan.region.currency])

    def opportunities(self, acc: AccountContext, out) -> None:
        rng = self.rng
        for _ in range(odds.OPPORTUNITIES.pick(rng)):
            stage = odds.STAGE.pick(rng)
            theme = rng.choice(texts.DEAL_THEMES[acc.chinese])
            row = self.make.make(
                "opportunity", by=acc.owner, account_id=acc.id, owner_id=acc.owner,
                name=f"{acc.row['name'][:60]} – {theme}", stage=stage,
                currency=acc.plan.region.currency, probability=STAGE_PROBABILITY[stage],
            )
            lines = []
            if rng.random() < 0.6:
                for product in rng.sample(self.equipment, rng.randint(1, 3)):
                    unit = (self.price(product, acc) * Decimal(1 - rng.choice((0, 0, 5, 10, 15)) / 100))
                    lines.append(self.make.make(
                        "opportunity_line", by=acc.owner, opportunity_id=row["id"], product_id=product["id"],
                        quantity=str(rng.randint(1, 5)), unit_price=money(unit),
                    ))
                amount = sum(Decimal(line["quantity"]) * Decimal(line["unit_price"]) for line in lines)
            else:
                amount = Decimal(rng.randint(2, 400) * 500) * Decimal(USD_RATE[acc.plan.region.currency])
            row["amount"] = money(amount)
            if stage in ("won", "lost"):
                closed = self.today - dt.timedelta(days=rng.randint(1, 200))
                row["closed_at"] = closed.isoformat()
                row["expected_close"] = (closed + dt.timedelta(days=rng.randint(-20, 20))).isoformat()
                if stage == "lost":
                    row["lost_reason"] = rng.choice(texts.LOST_REASONS[acc.chinese])
            else:
                row["expected_close"] = (self.today + dt.timedelta(days=rng.randint(7, 150))).isoformat()
                row["next_step"] = rng.choice(texts.NEXT_STEPS[acc.chinese])
            acc.opportunities.append(row)
            out["opportunity"].append(row)
            out["opportunity_line"].extend(lines)

    # -- quotes and orders -----------------------------------------------
    def orders(self, acc: AccountContext, out) -> None:
        rng = self.rng
        if rng.random() >= 0.08:
            return
        status = odds.ORDER_STATUS.pick(rng)
        ordered = self.today - dt.timedelta(days=rng.randint(0, 120))
        won = [o for o in acc.opportunities if o["stage"] == "won"]
        row = self.make.make(
            "sales_order", by=acc.owner, account_id=acc.id, owner_id=acc.owner,
            opportunity_id=won[0]["id"] if won and rng.random() < 0.7 else None,
            kind="quote" if rng.random() < 0.4 else "order", status=status,
            order_date=ordered.isoformat(), currency=acc.plan.region.currency,
        )
        lines = []
        for product in rng.sample(self.org.products + self.org.parts, rng.randint(1, 4)):
            lines.append(self.make.make(
                "sales_order_line", by=acc.owner, order_id=row["id"], product_id=product["id"],
                description=product["name"], quantity=str(rng.choice((1, 1, 2, 3, 5, 10))),
                unit_price=money(self.price(product, acc)),
            ))
        if status != "draft":
            sent = dt.datetime.combine(ordered, dt.time(10), dt.timezone.utc) + dt.timedelta(minutes=rng.randint(0, 600))
            row["submitted_at"] = stamp(min(sent, self.now - dt.timedelta(minutes=5)))
        if status in ("accepted", "confirmed", "rejected"):
            row["erp_number"] = f"SO{ordered:%y}{rng.randrange(10 ** 6):06d}"
            row["erp_state"] = {"accepted": "processing", "confirmed": "confirmed", "rejected": "rejected"}[status]
        if status in ("accepted", "confirmed"):
            untaxed = sum(Decimal(line["quantity"]) * Decimal(line["unit_price"]) for line in lines)
            tax = (untaxed * Decimal(acc.plan.region.tax_rate)).quantize(Decimal("0.01"))
            row.update(total_untaxed=money(untaxed), total_tax=money(tax), total=money(untaxed + tax))
        if status == "rejected":
            row["rejection_reason"] = "Credit limit exceeded" if acc.row["erp_blocked"] else "Price below floor"
        out["sales_order"].append(row)
        out["sales_order_line"].extend(lines)
