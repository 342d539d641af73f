"""How often things happen in the demo data, in one place.

Each mix is a weighted pick set up once (``random.choices`` rebuilds its
tables on every call, which shows at millions of picks).
"""

from __future__ import annotations

import bisect
import itertools
import random


class Odds:
    """A weighted pick among fixed options."""

    def __init__(self, options: dict):
        self.values = tuple(options)
        self.cumulative = tuple(itertools.accumulate(options.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def mean(self) -> float:
        weights = (b - a for a, b in zip((0,) + self.cumulative, self.cumulative))
        return sum(v * w for v, w in zip(self.values, weights)) / self.total


ACCOUNT_TYPE = Odds({"customer": 55, "prospect": 35, "partner": 10})
SEGMENT = Odds({"key account": 5, "enterprise": 15, "mid-market": 35, "small business": 45})

# Children per account: contacts 1–3, visits and activities a few, some deals.
CONTACTS = Odds({1: 35, 2: 35, 3: 30})
VISITS = Odds({0: 35, 1: 38, 2: 17, 3: 7, 4: 3})
ACTIVITIES = Odds({0: 55, 1: 30, 2: 10, 3: 5})
OPPORTUNITIES = Odds({0: 70, 1: 22, 2: 8})
JOBS = Odds({0: 90, 1: 9, 2: 1})

PAST_VISIT = Odds({"done": 80, "missed": 10, "cancelled": 10})
ACTIVITY_KIND = Odds({"call": 30, "email": 25, "meeting": 15, "task": 20, "note": 10})
STAGE = Odds({"prospecting": 20, "qualification": 18, "proposal": 16, "negotiation": 12, "won": 20, "lost": 14})
ORDER_STATUS = Odds({"draft": 15, "submitted": 15, "accepted": 15, "rejected": 5, "confirmed": 40, "cancelled": 10})

PAST_JOB = Odds({"completed": 85, "cancelled": 10, "on_hold": 5})
TODAYS_JOB = Odds({"scheduled": 40, "en_route": 20, "in_progress": 40})
FUTURE_JOB = Odds({"scheduled": 70, "new": 30})
JOB_KIND = Odds({"repair": 45, "maintenance": 30, "installation": 15, "inspection": 10})
JOB_PRIORITY = Odds({"low": 20, "normal": 55, "high": 20, "urgent": 5})
