"""Test runs over time, in the shared database: every run of Toetsen or `wibb eval` with its summary and
per case what came out (the whole case, as the JSON report has it), so that organisers can list earlier
runs, open any of them again as the report it was, and compare any two."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from assistant.database.engine import now, transaction
from assistant.evaluation.results import EvalReport
from assistant.evaluation.stored import case_json, report_from_json


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

    @property
    def to_review(self) -> int:
        return int(self.summary.get("to_review", 0))


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
                    summary=json.dumps(_finite(report.summary)), k=report.k, reader=report.reader,
                )
            ).inserted_primary_key[0]  # fmt: skip
            rows = [
                {"run_id": run, "position": n, "case_id": c.id, "question": c.question, "query": c.query,
                 "passed": c.passed, "refused": c.refused, "answerable": c.answerable, "answer": c.answer,
                 "reasons": json.dumps(c.reasons, ensure_ascii=False),
                 "metrics": json.dumps(_finite(c.metrics)), "cited": json.dumps(c.cited_ids),
                 "status": c.status, "detail": json.dumps(_detail(c), ensure_ascii=False)}
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
        return [_info(r) for r in rows]

    def run(self, run_id: int) -> RunInfo | None:
        """One stored run's overview, however old."""
        from sqlalchemy import select

        from assistant.database.schema import eval_runs

        with transaction(self.url) as conn:
            row = conn.execute(select(eval_runs).where(eval_runs.c.id == run_id)).mappings().first()
        return None if row is None else _info(row)

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
                    **json.loads(c["detail"] or "{}"),  # empty for a run stored before it was kept
                    "id": c["case_id"],
                    "question": c["question"],
                    "query": c["query"],
                    "passed": c["passed"],
                    "status": c["status"] or ("passed" if c["passed"] else "failed"),
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
            "origin": run["origin"],
            "k": run["k"],
            "reader": run["reader"],
        }

    def report(self, run_id: int) -> EvalReport | None:
        """A stored run as the report it was, to show and download again."""
        data = self.load(run_id)
        return None if data is None else report_from_json(data, int(data["k"] or 5), data["source"])


def _info(row: Any) -> RunInfo:
    return RunInfo(row["id"], row["created"], row["source"], row["revision"], row["origin"], row["cases"],
                   row["passed"], json.loads(row["summary"] or "{}"))  # fmt: skip


def _detail(case: Any) -> dict[str, Any]:
    """What the columns do not hold already: passages, citations, expectations, notes."""
    data = case_json(case)
    for name in ("id", "question", "query", "passed", "status", "refused", "answerable", "answer", "reasons",
                 "cited_ids", "metrics"):  # fmt: skip
        data.pop(name, None)
    return data


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
