"""Test runs keep what is needed to open them again: per case its outcome (passed, failed, or to review)
and the whole case as the JSON report has it (passages, citations, expectations, notes); per run its k.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eval_cases") as table:
        table.add_column(sa.Column("status", sa.String(12), nullable=False, server_default=""))
        table.add_column(sa.Column("detail", sa.Text, nullable=False, server_default="{}"))
    with op.batch_alter_table("eval_runs") as table:
        table.add_column(sa.Column("k", sa.Integer, nullable=False, server_default="5"))


def downgrade() -> None:
    with op.batch_alter_table("eval_runs") as table:
        table.drop_column("k")
    with op.batch_alter_table("eval_cases") as table:
        table.drop_column("detail")
        table.drop_column("status")
