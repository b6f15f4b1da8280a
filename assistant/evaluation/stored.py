"""A report as JSON and back: the shape `wibb eval --json` writes (`{"summary", "cases"}`) is also what the
run history keeps per case, so an earlier run opens again as the `EvalReport` it was, with every passage."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from assistant.core.documents import Chunk, DocumentMeta
from assistant.core.results import Citation, Hit
from assistant.evaluation.results import REVIEW, CaseResult, EvalReport


def passage_json(hit: Hit) -> dict[str, Any]:
    chunk = hit.chunk
    return {"rank": hit.rank, "doc_id": chunk.doc.id, "chunk_id": chunk.id, "titel": chunk.doc.titel,
            "heading": " > ".join(chunk.heading), "text": chunk.text, "score": hit.score}  # fmt: skip


def case_json(case: CaseResult) -> dict[str, Any]:
    data = asdict(case)
    data["status"] = case.status
    data["passages"] = [passage_json(p) for p in case.passages]
    return data


def report_json(report: EvalReport) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": report.summary, "cases": [case_json(case) for case in report.cases]}
    return {"reader": report.reader, **out} if report.reader else out


def report_from_json(data: dict[str, Any], k: int = 5, source: str = "") -> EvalReport:
    """The report again, from `report_json` (a `--json` file or a stored run). What an older run did not
    keep (passages, citations, expectations) stays empty."""
    summary = {
        name: float(value)
        for name, value in (data.get("summary") or {}).items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    cases = [case_from_json(c) for c in data.get("cases") or [] if isinstance(c, dict)]
    reader = str(data.get("reader") or "")
    return EvalReport(summary, cases, k, source or str(data.get("source") or ""), reader)


_SIMPLE = {f.name for f in fields(CaseResult)} - {"citations", "passages", "to_review"}
_CITATION = [f.name for f in fields(Citation)]


def case_from_json(data: dict[str, Any]) -> CaseResult:
    values: dict[str, Any] = {
        "id": "", "question": "", "answerable": True, "passed": False, "reasons": [], "answer": "",
        "refused": False, "cited_ids": [], "retrieved_ids": [], "latency_ms": 0.0, "metrics": {},
    }  # fmt: skip
    values.update({name: data[name] for name in _SIMPLE if data.get(name) is not None})
    values["to_review"] = data.get("status") == REVIEW or bool(data.get("to_review"))
    values["citations"] = [
        Citation(**{name: c.get(name, "") for name in _CITATION})
        for c in data.get("citations") or []
        if isinstance(c, dict)
    ]
    values["passages"] = [_hit(p) for p in data.get("passages") or [] if isinstance(p, dict)]
    return CaseResult(**values)


def _hit(data: dict[str, Any]) -> Hit:
    """A passage as the report shows it: the document's id and title, the heading path and the text."""
    doc = DocumentMeta(str(data.get("doc_id", "")), str(data.get("titel", "")), "", (), (), (), (), "", "")
    heading = tuple(h for h in str(data.get("heading", "")).split(" > ") if h)
    chunk = Chunk(str(data.get("chunk_id", "")), doc, heading, str(data.get("text", "")), 0)
    return Hit(chunk, float(data.get("score") or 0.0), int(data.get("rank") or 0))
