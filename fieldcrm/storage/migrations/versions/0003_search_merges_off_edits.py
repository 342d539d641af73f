"""search merges off edits

FTS5 merges an index's segments inside whichever write crosses its
threshold (``automerge``, 4 by default): a few milliseconds added to some
person's edit. Replicas keep it off; the app merges when idle
(``fieldcrm.storage.maintenance``), and FTS5's own crisis merge still
bounds the number of segments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 00:10:00.000000
"""
from alembic import op

from fieldcrm.storage import maintenance


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Indexes made later (a new replica, a changed index) are made with it
    # (``search.ensure_search_index``).
    maintenance.keep_merges_off_edits(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    for f in maintenance.automerge_settings(conn):
        conn.exec_driver_sql(f"INSERT INTO {f}({f}, rank) VALUES ('automerge', 4)")
