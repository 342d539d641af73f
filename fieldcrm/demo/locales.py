"""People, companies, streets and numbers that sound like their place.

Faker is slow per call (a weighted pick over thousands of names), so each
locale draws pools once from a seeded Faker and the generator combines them
with its own seeded random source: the same seed gives the same people, and
100,000 accounts take seconds instead of minutes.
"""

from __future__ import annotations

import random
import re

from faker import Faker

from fieldcrm.demo.places import Centre

_POOL = 800
_ASCII_WORD = re.compile(r"[^a-z0-9]+")


def _pool(make, size: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _ in range(size * 2):
        seen.setdefault(make(), None)
        if len(seen) >= size:
            break
    return tuple(seen)


def slug(text: str) -> str:
    return _ASCII_WORD.sub("", text.lower())


class LocalePeople:
    """Names, companies, streets, phones and e-mail addresses of one locale."""

    def __init__(self, locale: str, seed: int, rng: random.Random):
        self.locale = locale
        self.rng = rng
        fake = Faker(locale)
        fake.seed_instance(seed)
        self.chinese = locale.startswith("zh")
        self.first_names = _pool(fake.first_name, 400)
        self.last_names = _pool(fake.last_name, 300 if self.chinese else _POOL)
        self.streets = _pool(fake.street_name, _POOL)
        self.towns = _pool(fake.city, 150)
        self.romanized = _pool(fake.first_romanized_name, 300) if self.chinese else ()
        self.domains = _pool(fake.domain_word, _POOL) if self.chinese else ()
        if self.chinese:
            self.company_words = _pool(fake.company_prefix, 200)
            self.company_kinds = _pool(fake.company_suffix, 4) + (
                "机械有限公司", "设备有限公司", "贸易有限公司", "制造有限公司", "食品有限公司", "物流有限公司",
            )
        else:
            self.company_suffixes = ("Inc", "LLC", "Group", "Ltd", "and Sons", "Co", "Partners")
            self.company_trades = (
                "Manufacturing", "Logistics", "Foods", "Builders", "Medical", "Energy", "Retail",
                "Engineering", "Farms", "Hospitality", "Supply", "Services", "Industries",
            )

    # -- people -----------------------------------------------------------
    def person(self) -> tuple[str, str]:
        """(first name, last name)."""
        return self.rng.choice(self.first_names), self.rng.choice(self.last_names)

    def full_name(self, first: str, last: str) -> str:
        return f"{last}{first}" if self.chinese else f"{first} {last}"

    def email(self, first: str, last: str, domain: str) -> str:
        if self.chinese:
            local = slug(self.rng.choice(self.romanized)) + str(self.rng.randint(1, 99))
        else:
            local = f"{slug(first)}.{slug(last)}"
        return f"{local}@{domain}"

    # -- companies --------------------------------------------------------
    def company(self, city: str) -> tuple[str, str]:
        """(company name, web domain)."""
        rng = self.rng
        if self.chinese:
            word = rng.choice(self.company_words)
            kind = rng.choice(self.company_kinds)
            name = f"{city}{word}{kind}" if rng.random() < 0.6 else f"{word}{kind}"
            return name, f"{rng.choice(self.domains)}{rng.randint(1, 999)}.cn"
        a, b, c = rng.choice(self.last_names), rng.choice(self.last_names), rng.choice(self.last_names)
        pick = rng.random()
        if pick < 0.4:
            name = f"{a} {rng.choice(self.company_trades)} {rng.choice(self.company_suffixes)}"
        elif pick < 0.6:
            name = f"{a}-{b} {rng.choice(self.company_suffixes)}"
        elif pick < 0.75:
            name = f"{a}, {b} and {c}"
        else:
            name = f"{city} {rng.choice(self.company_trades)} {rng.choice(self.company_suffixes)}"
        return name, f"{slug(a)}{slug(b) if pick >= 0.4 else ''}.com"

    # -- addresses and numbers -------------------------------------------
    def street(self) -> str:
        rng = self.rng
        if self.chinese:
            return f"{rng.choice(self.streets)}{rng.randint(1, 999)}号"
        address = f"{rng.randint(1, 9999)} {rng.choice(self.streets)}"
        return address + (f" Suite {rng.randint(100, 999)}" if rng.random() < 0.2 else "")

    def postal_code(self, centre: Centre) -> str:
        width = 6 if self.chinese else 5
        tail = width - len(centre.postal_prefix)
        return centre.postal_prefix + str(self.rng.randrange(10 ** tail)).zfill(tail)

    def office_phone(self, centre: Centre) -> str:
        rng = self.rng
        if self.chinese:
            digits = 8 if len(centre.area_code) == 3 else 7
            return f"{centre.area_code}-{rng.randint(2, 8)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}"
        return f"({centre.area_code}) {rng.randint(200, 999)}-{rng.randrange(10000):04d}"

    def mobile_phone(self, centre: Centre) -> str:
        rng = self.rng
        if self.chinese:
            return f"1{rng.choice('3456789')}{rng.randrange(10 ** 9):09d}"
        return f"{centre.area_code}-{rng.randint(200, 999)}-{rng.randrange(10000):04d}"
