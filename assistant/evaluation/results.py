"""What an evaluation produces: what the assistant did (`Observation`), the verdict on one case
(`CaseResult`) and a whole run (`EvalReport`). Plain data; scoring and reports are elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.results import Citation, Hit

# The outcome of a case. "review" (te beoordelen): the case says nothing to check, so it neither passes
# nor fails until an organiser fills in its expectations.
PASSED, FAILED, REVIEW = "passed", "failed", "review"
STATUSES = (PASSED, FAILED, REVIEW)


@dataclass(frozen=True)
class Observation:
    """What the assistant did for one case, independent of how it is scored."""

    answer: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Hit, ...] = ()
    latency_ms: float = 0.0
    evidence: float = 0.0
    threshold: float = 0.0
    error: str = ""
    generated: bool = False  # written by the language model (so a refusal was the model's own)
    refusal: str = ""  # why the assistant refused (Answer.refusal)
    query: str = ""  # what was searched on


@dataclass
class CaseResult:
    id: str
    question: str
    answerable: bool
    passed: bool  # every check held; never true for a case to review
    reasons: list[str]  # why it did not pass: each a check that failed
    answer: str
    refused: bool
    cited_ids: list[str]
    retrieved_ids: list[str]
    latency_ms: float
    metrics: dict[str, float | None]
    citations: list[Citation] = field(default_factory=list)
    passages: list[Hit] = field(default_factory=list)
    evidence: float = 0.0
    expect_facts: list[list[str]] = field(default_factory=list)
    expect_sources: list[str] = field(default_factory=list)
    # a turn of a conversation: its case id, number (1, 2, ...) and what was searched on
    conversation: str = ""
    turn: int = 0
    query: str = ""
    new_subject: bool = False
    carried: bool = False  # the search query took words from earlier turns
    to_review: bool = False  # nothing to check (or marked `todo`): te beoordelen, not passed
    notes: list[str] = field(default_factory=list)  # information that does not decide the outcome

    @property
    def status(self) -> str:
        return REVIEW if self.to_review else PASSED if self.passed else FAILED


@dataclass
class EvalReport:
    summary: dict[str, float]
    cases: list[CaseResult]
    k: int = 5
    source: str = ""
    reader: str = ""  # which reader answered (Dutch, `reader_label`): figures belong to a reader
