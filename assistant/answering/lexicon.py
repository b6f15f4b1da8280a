"""What the knowledge base knows by name and by word: its documents' names, and the words it uses.

Made from the counts the ingest writes beside the index (`Lexicon.from_counts`, see
`assistant.retrieval.lexical`), so a new document is known as soon as it is ingested and no process reads
every chunk's text to know it:
- `named(text)`: the documents a question names ("de zorgreserve" -> nationale-zorgreserve), by the
  distinctive words of their titles, tolerant of compounds and small typos;
- `known(stem)`: whether the knowledge base uses a word at all (again tolerant of typos and compounds),
  and `idf(stem)`: how rare it is, so that the focus of a question can be told from its filler.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.core.documents import DocumentMeta
from assistant.core.terms import name_keys, term, terms

__all__ = ["Lexicon", "mentions", "phrase_for", "short_title", "similar", "singulars", "term", "terms"]


def singulars(word: str) -> list[str]:
    """The singular forms a Dutch plural may have: "beren" -> "beer", "knoppen" -> "knop", "vragen" ->
    "vraag", "uitdagingen" -> "uitdaging" (the word itself first)."""
    forms = [word]
    if word.endswith("en") and len(word) > 4:
        stem = word[:-2]
        forms.append(stem)
        if len(stem) > 2 and stem[-1] == stem[-2]:
            forms.append(stem[:-1])  # knopp -> knop
        elif len(stem) > 2 and stem[-2] in "aeou" and stem[-1] not in "aeiou":
            forms.append(stem[:-1] + stem[-2] + stem[-1])  # ber -> beer, vrag -> vraag
    elif word.endswith("s") and len(word) > 3:
        forms.append(word[:-1])
    return forms


MIN_PREFIX = 7  # "zorgreserv" ~ "zorgreservist"; shorter heads ("colleg" ~ "collegial") are other words
# a name's distinctive stems together: "(zorg-)" alone names nothing
RARE_NAME = 2.0  # idf: in fewer than ~1 in 7 chunks


def similar(a: str, b: str, *, compounds: bool = True) -> bool:
    """Two terms that stand for the same word: equal, one the start of the other ("zorgreserv" in
    "zorgreservist"), with `compounds` also one the head of a compound of the other (the head comes last:
    a "zorgreservist" is a "reservist"), or a typo apart in a long word ("directuer" ~ "directeur")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= MIN_PREFIX and (long.startswith(short) or (compounds and long.endswith(short))):
        return True
    return len(short) >= 7 and len(long) - len(short) <= 2 and _edits(a, b) <= (1 if len(short) < 9 else 2)


@lru_cache(maxsize=65536)
def _edits(a: str, b: str) -> int:
    """Levenshtein distance with adjacent swaps (Damerau, restricted)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]


@dataclass(frozen=True)
class NamedDocument:
    doc: DocumentMeta
    keys: tuple[frozenset[str], ...]  # per name: the distinctive stems that must all be there


@dataclass
class Lexicon:
    documents: tuple[NamedDocument, ...] = ()
    df: Counter[str] = field(default_factory=Counter)
    units: int = 0  # the number of texts df counts over
    _by_prefix: dict[str, list[str]] = field(default_factory=dict)
    # name keys by the start of their terms, and the documents that carry each key: at 100k chunks many
    # documents share a name, and a key is scored once per question rather than once per document
    _keys_by_prefix: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    _docs_by_key: dict[frozenset[str], list[int]] = field(default_factory=dict)
    _memo: dict[tuple[str, ...], list[NamedDocument]] = field(default_factory=dict)  # recent questions
    _by_suffix: dict[str, list[str]] = field(default_factory=dict)  # terms by their last three letters

    @classmethod
    def build(cls, docs: Iterable[DocumentMeta], texts: Iterable[Sequence[str]]) -> Lexicon:
        """`texts`: the terms of every chunk (`terms(chunk.embed_text)`)."""
        df: Counter[str] = Counter()
        units = 0
        for stems in texts:
            df.update(set(stems))
            units += 1
        return cls.from_counts(docs, df, units)

    @classmethod
    def from_counts(
        cls,
        docs: Iterable[DocumentMeta],
        df: Mapping[str, int],
        units: int,
        keys: Sequence[Sequence[frozenset[str]]] | None = None,
    ) -> Lexicon:
        """From document frequencies over `units` chunks; `keys`: every document's `name_keys`, when the
        ingest computed them already."""
        docs = list(docs)
        named = [
            NamedDocument(doc, tuple(keys[n]) if keys is not None else name_keys(doc))
            for n, doc in enumerate(docs)
        ]
        by_prefix: dict[str, list[str]] = {}
        by_suffix: dict[str, list[str]] = {}
        for stem in df:
            by_prefix.setdefault(stem[:3], []).append(stem)
            by_suffix.setdefault(stem[-3:], []).append(stem)
        docs_by_key: dict[frozenset[str], list[int]] = {}
        for n, entry in enumerate(named):
            for key in entry.keys:
                docs_by_key.setdefault(key, []).append(n)
        keys_by_prefix: dict[str, list[frozenset[str]]] = {}
        for key in docs_by_key:
            for prefix in {k[:3] for k in key}:
                keys_by_prefix.setdefault(prefix, []).append(key)
        counts = df if isinstance(df, Counter) else Counter(df)
        return cls(tuple(named), counts, units, by_prefix, keys_by_prefix, docs_by_key, _by_suffix=by_suffix)

    def idf(self, stem: str) -> float:
        count = self.df.get(stem) or sum(self.df[s] for s in self._variants(stem))
        return math.log((self.units + 1) / (count + 0.5))

    def _variants(self, stem: str) -> list[str]:
        return [s for s in self._by_prefix.get(stem[:3], []) if similar(stem, s)]

    def known(self, stem: str) -> bool:
        """Whether the knowledge base uses this term (or a compound of known ones, or it with a typo)."""
        if stem in self.df or stem.isdigit():
            return True
        if self._variants(stem):
            return True
        head, *tails = [part for part in stem.split("-") if part] or [stem]
        if tails:  # "nsvp-site": a known name with a known word after the hyphen
            return self.known(head) and all(self._tail_known(t, 3) or self.known(t) for t in tails)
        # a compound of two known words: "kinderopvangpersoneel" = "kinderopvang" + "personeel"
        return self._tail_known(stem, 4) or any(
            self._plain_known(stem[:cut]) and self._plain_known(stem[cut:]) for cut in range(4, len(stem) - 3)
        )

    def _tail_known(self, part: str, shortest: int) -> bool:
        """Whether the word ends a compound the knowledge base uses ("site" in "website"); the stem of the
        compound may have lost a final e ("websit")."""
        if len(part) < shortest:
            return False
        forms = {part, part.removesuffix("e")}
        return any(
            len(s) > len(form) + 2 and s.endswith(form)
            for form in forms
            if len(form) >= 3
            for s in self._by_suffix.get(form[-3:], [])
        )

    def _plain_known(self, part: str) -> bool:
        part = part.strip("-")
        return len(part) >= 4 and (
            part in self.df or any(s.startswith(part) for s in self._by_prefix.get(part[:3], []))
        )

    def name_terms(self, question_terms: Sequence[str]) -> set[str]:
        """The question's terms that are part of a document's name (they say what the question is about,
        not which detail it asks)."""
        keys = {k for entry in self._named(question_terms) for key in entry.keys for k in key}
        return {q for q in question_terms if any(similar(q, k, compounds=False) for k in keys)}

    def named(self, question_terms: Sequence[str]) -> list[DocumentMeta]:
        """The documents whose name the question uses, most specific first: all distinctive words of a
        name, or a long and rare one of them ("zorgreservist" names the Nationale Zorgreserve)."""
        return [entry.doc for entry in self._named(question_terms)]

    def _named(self, question_terms: Sequence[str]) -> list[NamedDocument]:
        asked = tuple(question_terms)
        cached = self._memo.get(asked)  # the planner, the focus and the refusal ask about one question
        if cached is not None:
            return cached
        best: dict[int, float] = {}  # document -> the score of its best name
        # only names with a word that starts like a word of the question (names match on starts)
        for key in {key for q in asked for key in self._keys_by_prefix.get(q[:3], ())}:
            score = self._key_score(key, asked)
            for n in self._docs_by_key[key] if score else ():
                best[n] = max(best.get(n, 0.0), score)
        found = [self.documents[n] for n, _ in sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))]
        if len(self._memo) >= 64:
            self._memo.clear()
        self._memo[asked] = found
        return found

    def _key_score(self, key: frozenset[str], question_terms: Sequence[str]) -> float:
        """All distinctive words of a name, or a long and rare one of them: the sum of their idf; else 0."""
        found = [k for k in key if any(similar(k, q, compounds=False) for q in question_terms)]
        telling = [k for k in found if len(k) >= MIN_PREFIX and self.idf(k) >= RARE_NAME]
        return sum(self.idf(k) for k in found) if found and (len(found) == len(key) or telling) else 0.0


def mentions(text_terms: set[str], wanted: str) -> bool:
    """Whether a text (its terms) mentions the wanted term, as `lexicon.similar` judges it."""
    if wanted in text_terms:
        return True
    n = len(wanted)
    for t in text_terms:
        # cheap rejects first: `similar` needs a shared start or end (7+ letters) or a near-equal length
        if len(t) < 7 and n < 7:
            continue
        if abs(len(t) - n) > 2 and not (t.startswith(wanted) or t.endswith(wanted) or wanted.startswith(t)
                                        or wanted.endswith(t)):  # fmt: skip
            continue
        if similar(wanted, t):
            return True
    return False


# -- naming a document in a follow-up question --------------------------------------------------------


def phrase_for(text: str, doc: DocumentMeta, lexicon: Lexicon) -> str:
    """The words of `text` that name the document, with the article before them ("de Nationale
    Zorgreserve")."""
    words = re.findall(r"[\w'+&-]+", text)
    keys = {k for entry in lexicon.documents if entry.doc.id == doc.id for key in entry.keys for k in key}
    marks = [
        i for i, w in enumerate(words) if any(similar(t, k, compounds=False) for t in terms(w) for k in keys)
    ]
    if not marks:
        return ""
    title = set(terms(doc.titel))

    def in_title(word: str) -> bool:
        return bool(set(terms(word)) & title) or word.lower() in ("je", "de", "van", "en")

    runs: list[list[int]] = []  # mentions with only title words between them
    for i in marks:
        if runs and all(in_title(w) for w in words[runs[-1][-1] + 1 : i]):
            runs[-1].append(i)
        else:
            runs.append([i])
    best = max(runs, key=len)
    start, end = best[0], best[-1]

    while start > 0 and in_title(words[start - 1]) and words[start - 1].lower() not in ("de", "het", "een"):
        start -= 1  # "Werken buiten je zorgbubbel": the title's own words around its distinctive one
    while end + 1 < len(words) and in_title(words[end + 1]) and any(terms(words[end + 1])):
        end += 1
    if start > 0 and words[start - 1].lower() in ("de", "het", "een"):
        start -= 1
    return " ".join(w.strip("'\"") for w in words[start : end + 1])


def short_title(doc: DocumentMeta) -> str:
    """A document's name as a phrase: the title before a colon or parenthesis."""
    title = doc.titel.strip("\"'")
    head, _, rest = title.partition(":")
    if rest and re.fullmatch(r"(?:knop|beer|deel|vraag)\s*\d+", head.strip(), re.I):
        return rest.strip()  # "Knop 1: de matcher" is about the matcher
    return re.split(r"[:(,]", title)[0].strip() or title
