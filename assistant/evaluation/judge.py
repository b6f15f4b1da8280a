"""Optional judge for `wibb eval --judge`: a language model says per answer sentence whether the cited
passages support it; faithfulness = the share of supported sentences.

The judge is any `complete(prompt) -> str` (`assistant.llm.completion_function`, or a scripted fake in
tests). The prompt is Dutch (assistant/prompts/judge.txt); the reply is read line by line ("2: NEE - ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant import texts
from assistant.core.sentences import split_sentences
from assistant.errors import LanguageModelError
from assistant.evaluation.results import CaseResult
from assistant.llm import prompts

# "2: NEE - reden", also "Zin 2. **nee**: reden"; [ \t] so that a verdict never runs into the next line.
_VERDICT = re.compile(
    r"^[^\w\n]*(?:zin[ \t]*)?(\d+)[ \t]*[:.)][ \t]*\**[ \t]*(ja|nee)\b\**[ \t]*[-–—:,]?[ \t]*(.*)$",
    re.I | re.M,
)


def judge_prompt(result: CaseResult) -> tuple[str, list[str]]:
    """The prompt and the answer sentences it numbers; cited passages are given in full."""
    by_chunk = {p.chunk.id: p.chunk.text for p in result.passages}
    sources = "\n\n".join(
        f"[{c.n}] {c.titel}{' – ' + c.heading if c.heading else ''}\n{by_chunk.get(c.chunk_id, c.quote)}"
        for c in result.citations
    )
    sentences = split_sentences(result.answer) or [result.answer]
    numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1))
    prompt = prompts.template("judge").substitute(vraag=result.question, bronnen=sources, zinnen=numbered)
    return prompt, sentences


def read_verdicts(reply: str, count: int) -> dict[int, tuple[bool, str]]:
    """{sentence number: (supported, reason)} for the numbers 1..count the reply judged."""
    verdicts: dict[int, tuple[bool, str]] = {}
    for match in _VERDICT.finditer(reply):
        n = int(match.group(1))
        if 1 <= n <= count and n not in verdicts:
            verdicts[n] = (match.group(2).lower() == "ja", match.group(3).strip())
    return verdicts


def judge_case(complete: Callable[[str], str], result: CaseResult) -> CaseResult:
    """The result with `faithfulness` (None when not judged) and a reason per unsupported sentence."""
    if result.refused or not result.citations:
        return replace(result, metrics={**result.metrics, "faithfulness": None})
    prompt, sentences = judge_prompt(result)
    reasons = texts.EVAL_REASONS
    try:
        verdicts = read_verdicts(complete(prompt), len(sentences))
    except LanguageModelError as error:  # not describe_error: that one talks about the answer, not a verdict
        errors = texts.EVAL_JUDGE_ERRORS
        verdicts, problem = {}, errors.get(error.code, errors["error"])
    else:
        got, total = len(verdicts), len(sentences)
        problem = "" if got == total else reasons["judge_partial"].format(got=got, total=total)
    if problem:
        failed = reasons["judge_failed"].format(detail=problem)
        return _verdict(result, [failed], None)
    unsupported = [
        reasons["judge_unsupported"].format(n=n, why=f" ({why})" if why else "")
        for n, (ok, why) in sorted(verdicts.items())
        if not ok
    ]
    return _verdict(result, unsupported, 1 - len(unsupported) / len(sentences))


def _verdict(result: CaseResult, found: list[str], score: float | None) -> CaseResult:
    """What the judge found fails the case; of a case to review (no verdict yet) it is information."""
    metrics = {**result.metrics, "faithfulness": score}
    if result.to_review:
        info = [texts.EVAL_NOTES["info"].format(text=text) for text in found]
        return replace(result, notes=[*result.notes, *info], metrics=metrics)
    return replace(
        result, passed=result.passed and not found, reasons=[*result.reasons, *found], metrics=metrics
    )
