"""The tables, as SQLAlchemy Core metadata (the migrations in `migrations/versions` create them)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# 👍/👎 on an answer, with what the answer was about (lists and mappings as JSON text).
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created", String(40), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("query", Text, nullable=False, server_default=""),
    Column("cited", Text, nullable=False, server_default="[]"),
    Column("filters", Text, nullable=False, server_default="{}"),
    Column("refused", Integer, nullable=False, server_default="0"),
    Column("session", Text, nullable=False, server_default=""),
    Column("context", Text, nullable=False, server_default="[]"),
)

# One run of a question set (Toetsen or `wibb eval`): its summary, and per case what came out.
eval_runs = Table(
    "eval_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created", String(40), nullable=False),
    Column("source", Text, nullable=False, server_default=""),
    Column("revision", Text, nullable=False, server_default=""),  # the knowledge base's index revision
    Column("origin", String(20), nullable=False, server_default=""),  # "toetsen" or "wibb eval"
    Column("cases", Integer, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("summary", Text, nullable=False),
    Column("k", Integer, nullable=False, server_default="5"),  # the passages the @k metrics looked at
    Column("reader", Text, nullable=False, server_default=""),  # which reader answered (Dutch label)
)
eval_cases = Table(
    "eval_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("case_id", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("query", Text, nullable=False, server_default=""),
    Column("passed", Boolean, nullable=False),
    Column("refused", Boolean, nullable=False),
    Column("answerable", Boolean, nullable=False),
    Column("answer", Text, nullable=False, server_default=""),
    Column("reasons", Text, nullable=False, server_default="[]"),
    Column("metrics", Text, nullable=False, server_default="{}"),
    Column("cited", Text, nullable=False, server_default="[]"),
    Column(
        "status", String(12), nullable=False, server_default=""
    ),  # passed, failed, review ("" before 0003)
    Column("detail", Text, nullable=False, server_default="{}"),  # the case as the JSON report has it
)
Index("eval_cases_run", eval_cases.c.run_id, eval_cases.c.position)
