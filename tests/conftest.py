"""Suite-wide set-up: the repository root on sys.path (for ``tests.support``)
and a loud line in the header saying whether PostgreSQL tests can run."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_report_header(config):
    from tests.support.postgres import PG_BASE, postgres_problem

    problem = postgres_problem()
    if problem is None:
        return f"PostgreSQL: {PG_BASE} reachable; PostgreSQL variants run"
    return f"PostgreSQL: NOT REACHABLE at {PG_BASE} ({problem}); PostgreSQL variants will be skipped or fail"
