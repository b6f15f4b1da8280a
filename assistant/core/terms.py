"""Content words as the answerer compares them ("terms"), and the words that name a document.

Pure Dutch text handling shared by the answerer's lexicon (answering) and the lexical index that is written
at ingest (retrieval): both must cut words the same way, or the persisted counts would not match the
questions they are read for.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

from assistant.core import dutch
from assistant.core.documents import DocumentMeta

_DIMINUTIVE = re.compile(r"^(\w{2,}m)pjes?$|^(\w{3,}t)jes?$")  # "filmpje" -> "film", "kaartje" -> "kaart"


def term(word: str) -> str:
    """A folded content word without its plural or inflection ending: "docenten" -> "docent"; a
    diminutive is its noun: "filmpjes" -> "film"."""
    word = word.removesuffix("'s")
    # the cheap test first: `term` runs for every word of every chunk when the lexicon is built
    diminutive = _DIMINUTIVE.match(word) if word.endswith(("je", "jes")) else None
    if diminutive:
        return diminutive.group(1) or diminutive.group(2)
    for ending, keep in (("en", 5), ("s", 4), ("e", 5)):
        if word.endswith(ending) and len(word) - len(ending) >= keep:
            return word[: -len(ending)]
    return word


def terms(text: str) -> list[str]:
    return list(_terms(text))


@lru_cache(maxsize=16384)  # passages and sentences are read again for every question that finds them
def _terms(text: str) -> tuple[str, ...]:
    return tuple(sys.intern(term(w)) for w in dutch.content_words(text))  # shared, as in `dutch.words`


# Title words that name no document in particular.
GENERIC = set(terms(
    "knop mogelijke uitgangspunt verslag bijeenkomst leernetwerk werken breder belang wibb onderzoek naar "
    "cijfers onderzoekslijnen voorbeelden checklist organisatie medewerker elders ontvangen uitlenen "
    "detacheren waarom goed arbeidsmarkt professionals werkgevers wensen tools eindproduct aanjagers "
    "personeel tussen sectoren twee banen werk nederland het boek van en de mensen in zorg onderwijs defensie"
))  # fmt: skip
MIN_KEY = 4


def names(doc: DocumentMeta) -> list[str]:
    """The ways a document is named: its title, the part before a colon, parentheses, its id."""
    title = doc.titel.strip("\"'")
    head, colon, _ = title.partition(":")  # after a colon comes a description, not a name
    found = [head if colon else title, doc.id.replace("-", " ")]
    found += re.findall(r"\(([^)]+)\)", title)
    return found


def name_keys(doc: DocumentMeta) -> tuple[frozenset[str], ...]:
    """Per name of the document, the distinctive terms that must all be there for a text to name it."""
    keys: list[frozenset[str]] = []
    for name in names(doc):
        key = frozenset(t for t in terms(name) if t not in GENERIC and len(t) > 2)
        if key and sum(map(len, key)) >= MIN_KEY and key not in keys:
            keys.append(key)
    return tuple(keys)
