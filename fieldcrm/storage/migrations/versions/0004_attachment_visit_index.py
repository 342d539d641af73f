"""attachment visit index: the account page finds a visit's files by index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:05:00
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_visit_id'), ['visit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_visit_id'))
