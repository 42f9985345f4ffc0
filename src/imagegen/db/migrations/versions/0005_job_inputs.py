"""Jobs: an edit's input files in the database (``job_inputs``), not under a shared IMAGEGEN_HOME.

Revision ID: 0005
Revises: 0004

Each row is one input image or the mask of a queued edit, exactly the bytes the client sent, written in the
job's own transaction and deleted when the job ends. Workers on other machines read them from the database
(``imagegen worker``: docs/deploy.md). Jobs queued before this migration keep their files under
``IMAGEGEN_HOME/jobs/<id>/``; a worker sharing that home still finds them there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_inputs",
        sa.Column("job_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "name", name="pk_job_inputs"),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE",
                                name="fk_job_inputs_job_id_jobs"),
    )


def downgrade() -> None:
    op.drop_table("job_inputs")
