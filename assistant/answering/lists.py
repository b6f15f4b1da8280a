"""The items of a list and the lines of a comparison, from the retrieved passages: the items of a bulleted
list, the sections of a document that each name an item ("Beer 1", "Beer 2", ...), one line per compared
thing. Lists of whole documents (every knop, the casussen of a sector) are `plans.enumeration`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answering import composer
from assistant.answering.composer import Candidate
from assistant.answering.lexicon import singulars, terms
from assistant.answering.plans import MAX_ITEMS, Sentences
from assistant.answering.reading import Reading
from assistant.core import dutch
from assistant.core.documents import Chunk
from assistant.core.results import Hit


def comparison(reading: Reading, candidates: Sequence[Candidate]) -> list[Candidate]:
    """One line per compared thing: the best sentence that names it (and not the other, if possible)."""
    lines: list[Candidate] = []
    for thing in reading.compared[:2]:
        wanted = [t for t in terms(thing) if len(t) > 2]
        if not wanted:
            continue
        naming = [
            c for c in candidates if composer.usable(c.text) and all(t in terms(c.text) for t in wanted)
        ]
        if naming and naming[0] not in lines:
            lines.append(naming[0])
    return lines


def list_items(lead: Candidate, candidates: Sequence[Candidate]) -> list[Candidate]:
    """When the best sentence is an item of a bulleted list, the list's items in reading order."""
    chunk = lead.hit.chunk
    if sum(line.lstrip().startswith("- ") for line in chunk.text.splitlines()) < 3:
        return []
    same = sorted((c for c in candidates if c.hit.chunk.id == chunk.id), key=lambda c: c.position)
    items: list[Candidate] = []
    for candidate in same:
        if len(items) < MAX_ITEMS and not any(composer.same_fact(candidate.text, i.text) for i in items):
            items.append(candidate)
    return items if len(items) >= 2 else []


def section_items(
    reading: Reading, lead: Candidate, chunks_of: Callable[[str], list[Chunk]], sentences_of: Sentences
) -> list[Candidate]:
    """When the lead's document has a section per item of the list asked for ("Beer 1", "Beer 2", ...),
    the opening sentence of each of those sections."""
    forms = set(singulars(dutch.fold(reading.list_of))) if reading.list_of else set()
    if not forms:
        return []

    def names_item(heading: str) -> bool:
        return bool(forms & set(dutch.words(heading)))

    chunks = [c for c in chunks_of(lead.hit.chunk.doc.id)
              if c.heading and names_item(c.heading[-1])]  # fmt: skip
    sections = list(dict.fromkeys(c.heading for c in chunks))
    if len(sections) < 3:
        return []
    firsts = [next(c for c in chunks if c.heading == heading) for heading in sections[:MAX_ITEMS]]
    hits = [Hit(c, 0.0, 1) for c in firsts]
    sentences = sentences_of(firsts)
    items: list[Candidate] = []
    for hit in hits:
        found = [t for t in sentences.get(hit.chunk.id, []) if composer.usable(t[0])]
        if not found:
            continue
        # the heading names the item ("Beer 1: personeel niet kunnen missen"), the sentence explains
        text, vector = found[0]
        label = hit.chunk.heading[-1]
        labelled = text if text[:2].isupper() else f"{label}: {text[0].lower()}{text[1:]}"
        items.append(Candidate(labelled, hit, 0, lead.score, lead.cosine, 0.0, vector))
    return items
