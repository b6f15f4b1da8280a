"""Numbered citations: which of a document's sources a quoted sentence comes from."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core import dutch
from assistant.core.documents import SourceRef
from assistant.core.results import Citation, Hit

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")  # fmt: skip


def best_source(bronnen: Sequence[SourceRef], titel: str, quote: str) -> SourceRef | None:
    """The document source the quote most likely comes from: the one whose title shares the quote's
    distinctive words (not the document's own title words), or whose date the quote names; else the first."""
    if not bronnen:
        return None
    # The network's name is in many quotes and titles: it tells sources apart no better than the doc title.
    quote_stems = set(dutch.stems(quote)) - set(
        dutch.stems(f"{titel} Leernetwerk Werken in Breder Belang WiBB")
    )
    folded = dutch.fold(quote)
    dates = {f"{year}-{month:02d}" for month, name in enumerate(_MONTHS, start=1)
             for year in re.findall(rf"\b{name} (\d{{4}})\b", folded)}  # fmt: skip

    stems = {ref: set(dutch.stems(f"{ref.titel} {ref.url or ''}")) for ref in bronnen}
    spread = {stem: sum(stem in s for s in stems.values()) for stem in quote_stems}

    def score(ref: SourceRef) -> float:
        words = sum(
            1 / spread[stem] for stem in quote_stems & stems[ref]
        )  # a word in every title says little
        return words + (1.5 if ref.datum and ref.datum[:7] in dates else 0.0)

    best = max(bronnen, key=score)
    return best if score(best) > 0 else bronnen[0]


def citation_for(n: int, hit: Hit, quote: str) -> Citation:
    chunk = hit.chunk
    source = best_source(chunk.doc.bronnen, chunk.doc.titel, quote)
    return Citation(
        n=n,
        doc_id=chunk.doc.id,
        chunk_id=chunk.id,
        titel=chunk.doc.titel,
        heading=" > ".join(chunk.heading),
        source=source.titel if source else chunk.doc.path,
        url=source.url if source else None,
        peildatum=chunk.doc.peildatum,
        quote=quote,
    )
