"""Randomized, seeded: three laptops edit, create, delete and sync in random
orders; every conflict is settled by a random choice; in the end every
replica equals the server's rows for its scope, nothing is left in any outbox
and every conflict a laptop saw is on record on the server.

The seed is printed (and named in every assertion); ``FIELDCRM_CONVERGENCE_SEED``
replays one, ``FIELDCRM_CONVERGENCE_STEPS`` makes the run longer.
"""

from __future__ import annotations

import os
import random

from sqlalchemy import create_engine, text

from fieldcrm.server.settings import normalise_db_url
from fieldcrm.services.conflicts import ConflictService
from fieldcrm.services.records import NotFound
from tests.sync.laptops import assert_replica_matches_server

STEPS = int(os.environ.get("FIELDCRM_CONVERGENCE_STEPS", "60"))
FIELDS = ("phone", "city", "notes", "email")


def test_random_offline_work_on_three_laptops_converges(server, org, laptops):
    seed = int(os.environ.get("FIELDCRM_CONVERGENCE_SEED", random.randrange(1 << 30)))
    print(f"convergence: seed {seed}, {STEPS} steps (FIELDCRM_CONVERGENCE_SEED={seed} replays)")
    rng = random.Random(seed)
    users = {"a": "rep_north", "b": "rep_north", "c": "manager1"}
    fleet = {name: laptops(user, org.passwords[user], name) for name, user in users.items()}
    for laptop in fleet.values():
        laptop.sync()
    accounts = [org.accounts["north_a"], org.accounts["north_b"]]
    conflicts_seen = 0
    for step in range(STEPS):
        laptop = fleet[rng.choice("abc")]
        action = rng.random()
        contacts = [r["id"] for r in laptop.records.list("contact") if r["account_id"] in accounts]
        try:
            if action < 0.35:
                field = rng.choice(FIELDS)
                value = f"{laptop.folder.name}{step}" + ("@example.com" if field == "email" else "")
                laptop.records.update("account", rng.choice(accounts), {field: value})
            elif action < 0.45 and contacts:
                laptop.records.update("contact", rng.choice(contacts), {"title": f"t{step}"})
            elif action < 0.55:
                laptop.records.create("contact", {"account_id": rng.choice(accounts), "last_name": f"N{step}"})
            elif action < 0.6 and contacts:
                laptop.records.delete("contact", rng.choice(contacts))
            else:
                conflicts_seen += laptop.sync().conflicts
        except NotFound:
            pass  # the row went away in an earlier sync: a person would pick another
    for _ in range(3):  # settle everything, then let every laptop hear of every change
        for laptop in fleet.values():
            conflicts_seen += laptop.sync().conflicts
            service = ConflictService(laptop.replica)
            for change in service.list_open():
                choice = rng.choice(("mine", "theirs", "discard"))
                if choice == "discard":
                    service.discard(change.id)
                else:
                    service.resolve(change.id, choice)
    for laptop in fleet.values():
        laptop.sync()
    for name, laptop in fleet.items():
        assert laptop.outbox() == [], f"seed {seed}: laptop {name} still has changes"
        assert ConflictService(laptop.replica).list_open() == [], f"seed {seed}"
        assert_replica_matches_server(laptop, server.url, org.passwords[users[name]])
    engine = create_engine(normalise_db_url(server.db_url))
    with engine.connect() as conn:
        on_record = conn.execute(text("SELECT count(*) FROM conflict")).scalar_one()
    engine.dispose()
    assert on_record == conflicts_seen, f"seed {seed}"
