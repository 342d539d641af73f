"""lead: prospects a rep works until they become an account (marketing's hand-over to sales)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 09:20:00
"""
from alembic import op
import sqlalchemy as sa
import fieldcrm.storage.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lead',
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('converted_account_id', sa.String(length=36), nullable=True),
    sa.Column('converted_opportunity_id', sa.String(length=36), nullable=True),
    sa.Column('converted_at', fieldcrm.storage.types.Timestamp(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', fieldcrm.storage.types.Timestamp(length=32), nullable=True),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead'))
    )
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.create_index('ix_lead_company_id', ['company', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_owner_id'), ['owner_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_owner_id'))
        batch_op.drop_index('ix_lead_company_id')

    op.drop_table('lead')
