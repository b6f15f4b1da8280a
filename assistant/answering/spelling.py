"""Misspelt words of a question mended to the knowledge base's own words: "macther" -> "matcher",
"verplegkundige" -> "verpleegkundige" (issue 21: a misspelt question is answered like the right one).

A word is mended only when neither the knowledge base nor Dutch uses it (the Dutch word list of
pyspellchecker: "precies", "bijbaan" and "weekend" stay, whatever the knowledge base says), nor is it a
role a person names; when it is long enough to tell a typo from another word (six letters or more); and
when one word the knowledge base does use lies a typo away: one edit (a letter wrong, missing, extra, or
two swapped) for words under nine letters, two for longer ones; of several, the closest, then the most
used. Candidates come from a delete index (SymSpell): every known term with one letter left out.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from assistant.answering.lexicon import Lexicon, _edits, term
from assistant.answering.reading import ROLE_SECTORS
from assistant.core import dutch

MIN_LENGTH = 6
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:-[A-Za-zÀ-ÿ]+)*")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def dutch_words(cache_dir: Path | None = None) -> frozenset[str]:
    """Dutch words of six letters or more (folded). Read from pyspellchecker's frequency list (~3 s to
    parse), kept as a plain word list in `cache_dir` (~0.2 s to read again)."""
    version = metadata.version("pyspellchecker")
    cached = cache_dir / f"nl-words-{version}.txt" if cache_dir else None
    if cached is not None and cached.exists():
        return frozenset(cached.read_text(encoding="utf-8").split("\n"))
    raw = (resources.files("spellchecker") / "resources" / "nl.json.gz").read_bytes()
    entries = json.loads(gzip.decompress(raw))
    words = frozenset(
        dutch.fold(w) for w in entries if len(w) >= MIN_LENGTH and not any(c.isspace() for c in w)
    )
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(words)), encoding="utf-8")
        tmp.replace(cached)
    return words


@dataclass(frozen=True)
class Speller:
    known: dict[str, int]  # term -> how many texts use it
    index: dict[str, tuple[str, ...]]  # a known term, or it with one letter left out -> the known terms
    dictionary: frozenset[str] = frozenset()  # Dutch words: never mended

    @classmethod
    def build(
        cls, lexicon: Lexicon, extra: Iterable[str] = (), dictionary: frozenset[str] = frozenset()
    ) -> Speller:
        known = {t: n for t, n in lexicon.df.items() if t.isalpha() and len(t) >= MIN_LENGTH - 1}
        for word in extra:  # the roles a person names, whether or not the knowledge base uses them
            for t in (term(w) for w in dutch.words(word)):
                known[t] = max(known.get(t, 0), 1)
        index: dict[str, list[str]] = {}
        for t in known:
            for key in (t, *_deletes(t)):
                index.setdefault(key, []).append(t)
        return cls(known, {k: tuple(v) for k, v in index.items()}, dictionary)

    def suggest(self, word: str, lexicon: Lexicon) -> str | None:
        """The known term a folded word is a typo of, or None."""
        t = term(word)
        if not _may_be_typo(word, t, lexicon) or t in self.known or word in self.dictionary:
            return None
        found = {c for key in (t, *_deletes(t)) for c in self.index.get(key, ())}
        allowed = 1 if len(t) < 9 else 2
        scored = [(d, -self.known[c], c) for c in found if (d := _edits(t, c)) <= allowed]
        return min(scored)[2] if scored else None

    def correct(self, question: str, lexicon: Lexicon) -> str:
        """The question with each misspelt word replaced by the knowledge base's spelling (its ending and
        a capital at its start kept)."""

        def mend(match: re.Match[str]) -> str:
            written = match.group(0)
            folded = _plain(written)
            if folded is None:
                return written
            suggestion = self.suggest(folded, lexicon)
            if suggestion is None:
                return written
            stem = term(folded)
            mended = suggestion + folded[len(stem) :] if folded.startswith(stem) else suggestion
            return mended.capitalize() if written[0].isupper() else mended

        return _WORD.sub(mend, question)


def may_need_mending(question: str, lexicon: Lexicon) -> bool:
    """Whether any word of the question could be a typo: without one, the speller (~0.2 s to build) is
    not needed, and the first question of a process does not wait for it."""
    for match in _WORD.finditer(question):
        folded = _plain(match.group(0))
        if folded is not None and _may_be_typo(folded, term(folded), lexicon):
            return True
    return False


def _plain(written: str) -> str | None:
    """The word folded, or None when it carries accents (such a word is left as typed)."""
    folded = dutch.fold(written)
    return folded if folded == written.lower() else None


def _may_be_typo(word: str, t: str, lexicon: Lexicon) -> bool:
    """What can be told without the Dutch word list: long enough, letters only, and neither a word the
    knowledge base uses nor a stop word."""
    return len(word) >= MIN_LENGTH and t.isalpha() and t not in lexicon.df and t not in dutch.stopwords()


def speller_for(lexicon: Lexicon, cache_dir: Path | None = None) -> Speller:
    return Speller.build(lexicon, ROLE_SECTORS, dutch_words(cache_dir))
