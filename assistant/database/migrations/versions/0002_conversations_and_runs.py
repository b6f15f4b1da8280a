"""A 👎 keeps the earlier questions of its conversation; test runs are kept to compare over time.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("feedback")}
    if "context" not in columns:
        with op.batch_alter_table("feedback") as table:
            table.add_column(sa.Column("context", sa.Text, nullable=False, server_default="[]"))
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("revision", sa.Text, nullable=False, server_default=""),
        sa.Column("origin", sa.String(20), nullable=False, server_default=""),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("passed", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_table(
        "eval_cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("refused", sa.Boolean, nullable=False),
        sa.Column("answerable", sa.Boolean, nullable=False),
        sa.Column("answer", sa.Text, nullable=False, server_default=""),
        sa.Column("reasons", sa.Text, nullable=False, server_default="[]"),
        sa.Column("metrics", sa.Text, nullable=False, server_default="{}"),
        sa.Column("cited", sa.Text, nullable=False, server_default="[]"),
    )
    op.create_index("eval_cases_run", "eval_cases", ["run_id", "position"])


def downgrade() -> None:
    op.drop_index("eval_cases_run", "eval_cases")
    op.drop_table("eval_cases")
    op.drop_table("eval_runs")
    with op.batch_alter_table("feedback") as table:
        table.drop_column("context")
