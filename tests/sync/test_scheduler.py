"""When rounds run: timer, debounced edits, reconnect probes, sign-in waits.

``run_round`` and ``probe`` are plain functions here that record their calls
and answer as a server would (the scheduler only sees their results); the
real service is wired in ``SyncService.scheduler``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Optional

from fieldcrm.sync.scheduler import SyncScheduler


@dataclass
class Outcome:
    error_kind: Optional[str] = None


class Server:
    def __init__(self):
        self.up = True
        self.needs_sign_in = False
        self.rounds = []
        self.probes = 0
        self.round_ran = threading.Event()

    def run_round(self):
        self.rounds.append(time.monotonic())
        self.round_ran.set()
        if self.needs_sign_in:
            return Outcome("sign_in")
        return Outcome(None if self.up else "unreachable")

    def probe(self):
        self.probes += 1
        return self.up


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_edits_are_debounced_into_one_round():
    server = Server()
    s = SyncScheduler(server.run_round, server.probe, interval=60, debounce=0.3)
    s.start(sync_now=False)
    try:
        for _ in range(5):
            s.local_edit()
            time.sleep(0.05)
        wait_for(lambda: len(server.rounds) == 1)
        time.sleep(0.5)
        assert len(server.rounds) == 1
    finally:
        s.stop()


def test_timer_runs_rounds_while_online():
    server = Server()
    s = SyncScheduler(server.run_round, server.probe, interval=0.2, debounce=1)
    s.start()
    try:
        wait_for(lambda: len(server.rounds) >= 3)
    finally:
        s.stop()


def test_offline_probes_health_and_syncs_on_reconnect():
    server = Server()
    server.up = False
    s = SyncScheduler(server.run_round, server.probe, interval=60, debounce=1, first_retry=0.05, max_retry=0.2)
    s.start()
    try:
        wait_for(lambda: server.probes >= 3)
        assert len(server.rounds) == 1 and s.offline  # probes, not rounds, while down
        s.local_edit()  # waits in the outbox; no round while offline
        server.up = True
        wait_for(lambda: len(server.rounds) == 2)
        wait_for(lambda: not s.offline)
    finally:
        s.stop()


def test_sign_in_problem_waits_for_the_person():
    server = Server()
    server.needs_sign_in = True
    s = SyncScheduler(server.run_round, server.probe, interval=0.1, debounce=0.1)
    s.start()
    try:
        wait_for(lambda: len(server.rounds) == 1)
        s.local_edit()
        time.sleep(0.4)
        assert len(server.rounds) == 1
        server.needs_sign_in = False
        s.signed_in()
        wait_for(lambda: len(server.rounds) == 2)
    finally:
        s.stop()
