"""Tenants: a scheduling weight (``tenants.weight``, default 1): jobs the tenant takes per fair round.

Revision ID: 0006
Revises: 0005

``jobs.fair`` gives a tenant of weight ``w`` ``w`` dequeues per round of the weighted round-robin; every
existing tenant keeps weight 1 (plain round-robin, as before). Set with ``imagegen keys weight``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("weight", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("weight")
