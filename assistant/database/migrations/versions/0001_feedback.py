"""The feedback table of the first round (a store that already has it is adopted as it is).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("feedback"):
        return  # a SQLite file from before the migrations: same columns, kept with its rows
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False, server_default=""),
        sa.Column("cited", sa.Text, nullable=False, server_default="[]"),
        sa.Column("filters", sa.Text, nullable=False, server_default="{}"),
        sa.Column("refused", sa.Integer, nullable=False, server_default="0"),
        sa.Column("session", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint("rating IN (-1, 1)", name="feedback_rating"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
