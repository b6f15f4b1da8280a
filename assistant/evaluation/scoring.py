"""Pure scoring: a case and what the assistant did (`Observation`) -> `CaseResult` (its metrics, and the
summary over a run in `evaluation.summary`).

What a pass means: a case passes when every check its expectations ask for holds (each expected fact in the
answer; with `expect_sources`, one of them among the top-k passages and every citation from an expected
source or holding an expected fact; refused exactly when `answerable: false`; no fact stated twice). Without
`expect_sources` the citation check is information, not a verdict. A case with nothing to check (no facts,
no sources, not `answerable: false`) or marked `todo:` is te beoordelen: neither passed nor failed.

`score_case` gives per-case metrics and a Dutch reason for every failed check. The runner
(`assistant.evaluation.runner`) produces the observations; the calibration (bench/calibrate.py) scores
hypothetical refusals through the same function. Report files are written by `evaluation.reports`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from assistant import texts
from assistant.core import dutch
from assistant.core.sentences import split_sentences
from assistant.evaluation.cases import Case
from assistant.evaluation.results import CaseResult, EvalReport, Observation
from assistant.evaluation.summary import (
    CONVERSATION_METRICS,
    FOLLOWUP_METRICS,
    LOWER_IS_BETTER,
    RATE_METRICS,
    REFUSAL_METRICS,
    metric_names,
    number,
    summarise,
)

# Scoring's neighbours, importable from here as before: the result types and the summary.
__all__ = ["CONVERSATION_METRICS", "FOLLOWUP_METRICS", "LOWER_IS_BETTER", "RATE_METRICS", "REFUSAL_METRICS",
           "CaseResult", "EvalReport", "Observation", "contains", "fact_in", "metric_names", "normalise",
           "number", "repeated_fact", "score_case", "show_fact", "summarise"]  # fmt: skip

# -- scoring (pure) --------------------------------------------------------------------------------


_TYPOGRAPHY = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "’": "'", "‘": "'", "\u00a0": " "})
_MARKER = re.compile(r"\s*\[\d+\]")


def normalise(text: str) -> str:
    """Case and accents folded, dashes unified, numbers normalised ("3.500" = "3500"), spaces collapsed."""
    return " ".join(dutch.normalise_numbers(dutch.fold(text.translate(_TYPOGRAPHY))).split())


@functools.lru_cache(maxsize=4096)
def _pattern(alternative: str) -> re.Pattern[str] | None:
    """Normalised and compiled once, not again for every passage it is looked for in."""
    needle = normalise(alternative)
    if not needle:
        return None
    before = r"(?<!\d)" if needle[0].isdigit() else ""
    after = r"(?!\d)" if needle[-1].isdigit() else ""
    return re.compile(before + re.escape(needle) + after)


def contains(normalised_text: str, alternative: str) -> bool:
    """A number must not be part of a longer number ("150" is not in "1500")."""
    pattern = _pattern(alternative)
    return pattern is not None and pattern.search(normalised_text) is not None


def fact_in(normalised_text: str, fact: Sequence[str]) -> bool:
    return any(contains(normalised_text, alternative) for alternative in fact)


def show_fact(fact: Sequence[str]) -> str:
    return " / ".join(f"'{alternative}'" for alternative in fact)


def score_case(case: Case, obs: Observation, k: int = 5) -> CaseResult:
    """Per-case metrics (None = not applicable), a Dutch reason for every failed check and notes for what
    is only information. A case to review gets no verdict: what was found becomes notes."""
    r = texts.EVAL_REASONS
    top = obs.passages[:k]
    passage_texts = [
        normalise(f"{p.chunk.doc.titel} {' > '.join(p.chunk.heading)} {p.chunk.text}") for p in top
    ]
    answer_text = normalise(_MARKER.sub("", obs.answer))
    reasons: list[str] = [r["invalid"].format(detail=obs.error)] if obs.error else []
    notes: list[str] = []
    metrics: dict[str, float | None] = dict.fromkeys(name.format(k=k) for name in RATE_METRICS)

    if case.expect_facts:
        # the first passage holding each fact, searched one passage at a time so that a fact never
        # matches across the boundary of two passages
        first = [
            next((i for i, t in enumerate(passage_texts) if fact_in(t, fact)), None)
            for fact in case.expect_facts
        ]
        in_answer = [fact_in(answer_text, fact) for fact in case.expect_facts]
        metrics[f"context_fact_recall@{k}"] = sum(where is not None for where in first) / len(first)
        metrics["answer_fact_recall"] = sum(in_answer) / len(in_answer)
        for fact, found, where in zip(case.expect_facts, in_answer, first, strict=True):
            if found:
                continue
            if where is None:
                reasons.append(r["fact_missing"].format(fact=show_fact(fact), k=k))
            else:
                reasons.append(
                    r["fact_in_passage"].format(
                        fact=show_fact(fact), n=top[where].rank, doc=top[where].chunk.doc.id
                    )
                )

    if case.expect_sources:
        ranks = [p.rank for p in top if p.chunk.doc.id in case.expect_sources]
        metrics[f"hit@{k}"] = 1.0 if ranks else 0.0
        metrics[f"mrr@{k}"] = 1.0 / ranks[0] if ranks else 0.0
        if not ranks:
            reasons.append(r["source_missing"].format(expected=", ".join(case.expect_sources), k=k))

    if not obs.refused and obs.citations and (case.expect_sources or case.expect_facts):
        metrics["citation_precision"], off = _citation_check(case, obs)
        # without expected sources nobody said which sources are right: the check only informs
        (reasons if case.expect_sources else notes).extend(off)

    refusal_ok = obs.refused != case.answerable and not obs.error
    metrics["refusal_accuracy"] = 1.0 if refusal_ok else 0.0
    metrics["refusal_recall"] = None if case.answerable or obs.error else float(obs.refused)
    metrics["false_refusal_rate"] = float(obs.refused) if case.answerable and not obs.error else None
    metrics["redundancy"] = None
    if not obs.refused and not obs.error and obs.answer:
        pair = repeated_fact(obs.answer)
        metrics["redundancy"] = 1.0 if pair else 0.0
        if pair:
            reasons.append(r["redundant"].format(first=_short(pair[0]), second=_short(pair[1])))
    if not refusal_ok and not obs.error and not case.to_review:
        reasons.insert(0, _refusal_reason(obs))
    metrics["latency_ms"] = obs.latency_ms
    if case.note:
        notes.insert(0, texts.EVAL_NOTES["note"].format(note=case.note))
    review = case.to_review and not obs.error  # a question that cannot be asked fails whatever it expects
    if review:
        reasons, notes, metrics = (
            [],
            [*_review_notes(case, obs), *(_info(x) for x in reasons), *notes],
            {
                name: value if name in ("latency_ms", "redundancy") else None
                for name, value in metrics.items()
            },
        )

    return CaseResult(
        id=case.id,
        question=case.question,
        answerable=case.answerable,
        passed=not reasons and not review,
        reasons=reasons,
        answer=obs.answer,
        refused=obs.refused,
        cited_ids=list(dict.fromkeys(c.doc_id for c in obs.citations)),
        retrieved_ids=[p.chunk.doc.id for p in obs.passages],
        latency_ms=obs.latency_ms,
        metrics=metrics,
        citations=list(obs.citations),
        passages=list(obs.passages),
        evidence=obs.evidence,
        expect_facts=[list(f) for f in case.expect_facts],
        expect_sources=list(case.expect_sources),
        to_review=review,
        notes=notes,
    )


def _citation_check(case: Case, obs: Observation) -> tuple[float, list[str]]:
    """citation_precision and a sentence per citation that is neither an expected source nor holds an
    expected fact. The whole cited chunk counts, not just the short quote shown with it."""
    chunk_texts = {p.chunk.id: p.chunk.text for p in obs.passages}
    relevant, off = [], []
    for citation in obs.citations:
        cited = normalise(chunk_texts.get(citation.chunk_id, citation.quote))
        ok = citation.doc_id in case.expect_sources or any(fact_in(cited, f) for f in case.expect_facts)
        relevant.append(ok)
        if ok:
            continue
        said = (
            texts.EVAL_REASONS["citation_off"]
            if case.expect_sources
            else texts.EVAL_NOTES["citation_unasked"]
        )
        off.append(said.format(n=citation.n, doc=citation.doc_id))
    return sum(relevant) / len(relevant), off


def _refusal_reason(obs: Observation) -> str:
    numbers = {"evidence": number("evidence", obs.evidence), "threshold": number("threshold", obs.threshold)}
    if obs.refused and (obs.generated or obs.refusal == "model"):
        code = "refused_model"
    elif obs.refused and obs.refusal == "focus":
        code = "refused_focus"
    elif obs.refused:
        code = "refused_absence" if obs.evidence >= obs.threshold else "refused_answerable"
    else:
        code = "answered_unanswerable"
    return texts.EVAL_REASONS[code].format(**numbers)


def _review_notes(case: Case, obs: Observation) -> list[str]:
    notes = texts.EVAL_NOTES
    first = notes["todo"].format(todo=case.todo) if case.todo else notes["no_expectations"]
    return [first, notes["refused"]] if obs.refused else [first]


def _info(reason: str) -> str:
    return texts.EVAL_NOTES["info"].format(text=reason)


_MIN_STEMS = 4  # shorter sentences ("Dat mag.") say too little to repeat a fact


def repeated_fact(answer: str) -> tuple[str, str] | None:
    """Two sentences of the answer that state the same fact: nearly all content words of one (at least
    four) are in the other, and they do not name different figures."""
    sentences = [s for s in split_sentences(_MARKER.sub("", answer)) if s.strip()]
    stems = [set(dutch.stems(s)) for s in sentences]
    figures = [set(re.findall(r"\d+", dutch.normalise_numbers(s))) for s in sentences]
    for i in range(len(sentences)):
        for j in range(i + 1, len(sentences)):
            small = min(len(stems[i]), len(stems[j]))
            if small < _MIN_STEMS or (figures[i] and figures[j] and figures[i] != figures[j]):
                continue
            if len(stems[i] & stems[j]) / small >= 0.75:
                return sentences[i], sentences[j]
    return None


def _short(sentence: str, limit: int = 80) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
