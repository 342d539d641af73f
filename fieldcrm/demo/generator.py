"""Deterministic demo data: a field sales and service company, from one seed.

``generate`` yields ``(entity, rows)`` chunks: plain dicts keyed by the
model's column names, values in their stored form (ISO text for timestamps
and dates, text for amounts). Reference data comes first, then accounts in
batches, each batch followed by its children, so every row's parent (and
every row it points at) comes before it and 100,000 accounts never sit in
memory at once. Where the rows go is up to the caller: ``load_into_replica``
writes them into a laptop's replica.

The same seed and day give the same data; the calendar (visits done and
ahead, jobs today) is laid out around ``today``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Iterable, Iterator, Optional

from fieldcrm.demo.accounts import SalesSide
from fieldcrm.demo.locales import LocalePeople
from fieldcrm.demo.organisation import build_organisation
from fieldcrm.demo.rows import RowMaker
from fieldcrm.demo.service_jobs import ServiceSide
from fieldcrm.storage import search
from fieldcrm.storage.registry import entity_class

Chunk = tuple[str, list[dict]]

# Changes when the same seed starts giving different rows (2: time-ordered
# ids; 3: every rep has visits and tasks today), so caches of generated data
# can tell theirs is stale.
DATA_FORMAT = 3
LOCALES = ("en_US", "zh_CN")
BATCH_ACCOUNTS = 1000
REFERENCE_ORDER = ("user", "territory", "territory_member", "product", "visit_plan")
# Within a batch: what a row points at comes before it (activities and
# orders point at opportunities, visits and jobs at contacts).
BATCH_ORDER = (
    "account", "contact", "opportunity", "opportunity_line", "visit", "activity",
    "sales_order", "sales_order_line", "service_job", "job_checklist_item", "job_part", "job_time_entry",
)


def _clock(today: Optional[dt.date]) -> tuple[dt.date, dt.datetime]:
    """(today, now): now is midday UTC of ``today``, or the real time when today is not given."""
    if today is None:
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        return now.date(), now
    return today, dt.datetime.combine(today, dt.time(12), dt.timezone.utc)


def generate(seed: int = 42, accounts: int = 1000, *, today: Optional[dt.date] = None,
             batch: int = BATCH_ACCOUNTS) -> Iterator[Chunk]:
    """Yield ``(entity, rows)`` chunks of a whole demo data set, parents first."""
    if accounts < 0:
        raise ValueError("accounts must not be negative")
    today, now = _clock(today)
    rng = random.Random(seed)
    make = RowMaker(rng, now)
    people = {locale: LocalePeople(locale, seed * 7 + i, rng) for i, locale in enumerate(LOCALES)}
    org = build_organisation(make, people, accounts, today)
    for entity in REFERENCE_ORDER:
        yield entity, org.rows[entity]
    sales = SalesSide(make, org, today)
    service = ServiceSide(make, sales.equipment, org.parts, today)
    for first in range(0, accounts, batch):
        out: dict[str, list[dict]] = {entity: [] for entity in BATCH_ORDER}
        for number in range(first, min(first + batch, accounts)):
            acc = sales.account(number, out)
            sales.contacts(acc, out)
            sales.opportunities(acc, out)
            sales.visits(acc, out)
            sales.activities(acc, out)
            sales.orders(acc, out)
            service.jobs(acc, out)
        for entity in BATCH_ORDER:
            if out[entity]:
                yield entity, out[entity]
    yield "lead", leads(make, org)


# Leads each rep is working: where they came from, and how far along they are.
LEADS_PER_REP = 4
_LEAD_SOURCES = ("event", "web", "referral", "campaign", "call")
_LEAD_STATUSES = ("new", "new", "contacted", "qualified", "disqualified")


def leads(make: RowMaker, org) -> list[dict]:
    """A few prospects per rep, in the rep's city, made last so the rest of
    the data set is the same with or without them."""
    rows = []
    for plan in org.territories:
        folk, city = plan.people, plan.centre.city
        for rep in plan.reps:
            for _ in range(LEADS_PER_REP):
                company, domain = folk.company(city)
                first, last = folk.person()
                rows.append(make.make(
                    "lead", by=rep, company=company, contact_name=folk.full_name(first, last),
                    email=folk.email(first, last, domain), city=city,
                    source=make.rng.choice(_LEAD_SOURCES), status=make.rng.choice(_LEAD_STATUSES),
                    owner_id=rep))
    return rows


def load_rows(replica, chunks: Iterable[Chunk]) -> dict[str, int]:
    """Insert server-origin rows into a replica in one transaction; counts per entity.

    The rows bypass change capture (they came from the server, there is
    nothing to send back). The search index is rebuilt once at the end
    instead of row by row.
    """
    counts: Counter[str] = Counter()
    with replica.sync_write() as session:
        conn = session.connection()
        search.drop_triggers(conn)
        for entity, rows in chunks:
            if rows:
                conn.execute(entity_class(entity).__table__.insert(), rows)
                counts[entity] += len(rows)
        search.rebuild(conn)
    return dict(counts)


def load_into_replica(replica, seed: int = 42, accounts: int = 1000, *,
                      today: Optional[dt.date] = None) -> dict[str, int]:
    """Fill a replica with a generated demo data set; counts per entity."""
    return load_rows(replica, generate(seed, accounts, today=today))
