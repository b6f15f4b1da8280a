"""Test runs over time, in the shared database: every run of Toetsen or `wibb eval` with its summary and
per case what came out, so that organisers can list earlier runs and compare any two."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from assistant.database.engine import now, transaction
from assistant.evaluation.scoring import EvalReport


@dataclass(frozen=True)
class RunInfo:
    id: int
    created: str
    source: str
    revision: str  # the index revision of the knowledge base the run asked
    origin: str  # "toetsen" or "wibb eval"
    cases: int
    passed: int
    summary: dict[str, float]


class RunHistory:
    def __init__(self, url: str) -> None:
        self.url = url

    def save(self, report: EvalReport, *, revision: str = "", origin: str = "") -> int:
        """Store the run (its summary and every case) in one transaction; returns its id."""
        from assistant.database.schema import eval_cases, eval_runs

        with transaction(self.url) as conn:
            run = conn.execute(
                eval_runs.insert().values(
                    created=now(), source=report.source, revision=revision, origin=origin,
                    cases=len(report.cases), passed=sum(c.passed for c in report.cases),
                    summary=json.dumps(_finite(report.summary)),
                )
            ).inserted_primary_key[0]  # fmt: skip
            rows = [
                {"run_id": run, "position": n, "case_id": c.id, "question": c.question, "query": c.query,
                 "passed": c.passed, "refused": c.refused, "answerable": c.answerable, "answer": c.answer,
                 "reasons": json.dumps(c.reasons, ensure_ascii=False),
                 "metrics": json.dumps(_finite(c.metrics)), "cited": json.dumps(c.cited_ids)}
                for n, c in enumerate(report.cases)
            ]  # fmt: skip
            if rows:
                conn.execute(eval_cases.insert(), rows)
        return int(run)

    def runs(self, limit: int = 100) -> list[RunInfo]:
        """The latest runs, newest first."""
        from sqlalchemy import select

        from assistant.database.schema import eval_runs

        with transaction(self.url) as conn:
            rows = (
                conn.execute(select(eval_runs).order_by(eval_runs.c.id.desc()).limit(limit)).mappings().all()
            )
        return [
            RunInfo(
                r["id"],
                r["created"],
                r["source"],
                r["revision"],
                r["origin"],
                r["cases"],
                r["passed"],
                json.loads(r["summary"] or "{}"),
            )
            for r in rows
        ]

    def load(self, run_id: int) -> dict[str, Any] | None:
        """A stored run in the JSON shape of `wibb eval --json` (summary, cases with id and passed, ...)."""
        from sqlalchemy import select

        from assistant.database.schema import eval_cases, eval_runs

        with transaction(self.url) as conn:
            run = conn.execute(select(eval_runs).where(eval_runs.c.id == run_id)).mappings().first()
            if run is None:
                return None
            cases = conn.execute(
                select(eval_cases).where(eval_cases.c.run_id == run_id).order_by(eval_cases.c.position)
            ).mappings().all()  # fmt: skip
        return {
            "summary": json.loads(run["summary"] or "{}"),
            "cases": [
                {
                    "id": c["case_id"],
                    "question": c["question"],
                    "query": c["query"],
                    "passed": c["passed"],
                    "refused": c["refused"],
                    "answerable": c["answerable"],
                    "answer": c["answer"],
                    "reasons": json.loads(c["reasons"]),
                    "metrics": json.loads(c["metrics"]),
                    "cited_ids": json.loads(c["cited"]),
                }
                for c in cases
            ],
            "source": run["source"],
            "created": run["created"],
            "revision": run["revision"],
        }


def _finite(values: dict[str, Any]) -> dict[str, Any]:
    """JSON has no NaN: a metric that was not measured is left out."""
    return {k: v for k, v in values.items() if not (isinstance(v, float) and v != v)}


def revision_of(assistant: Any) -> str:
    """The index revision of the knowledge base an assistant answers from ("" when it cannot tell)."""
    store = getattr(getattr(assistant, "retriever", None), "store", None)
    try:
        return str(store.revision()) if store is not None else ""
    except Exception:  # the history is kept without it rather than not at all
        return ""
