"""Dutch text handling shared by BM25, the fake embedder, the composer and the evaluation.

Folding (case and accents), content-word tokens (Dutch stopwords removed), Snowball stems and
number normalisation ("3.500" and "3500" become the same token).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import Any

# bm25s' Dutch list (bm25s.stopwords.STOPWORDS_DUTCH, all of it: tests/test_dutch.py checks) plus question
# words and fillers that carry no topic in a question. Kept here so that answering never imports bm25s.
_STOPWORDS = """
aan af al alle alles als altijd andere ben bij daar daarom dan dat de der deze die dit doch doen door dus
een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je
jij jou jouw jullie kan kon kunnen kun maar me meer men met mij mijn moet moeten na naar niet niets nog nu of
om omdat onder ons onze ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat
we wel werd wezen wil welk welke wie wij wordt worden zal ze zei zelf zich zij zijn zo zonder zou zouden
waar wanneer waarom hoeveel hoeveelheid welke wat wie hoe waarmee waarvoor waarover mag mogen
graag eigenlijk precies even ongeveer zoal zoals staat staan gaat gaan krijg krijgen weet weten vertel
doe doet deed gedaan hoort horen zit zitten
""".split()  # noqa: SIM905 - a word list reads better as text


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(fold(w) for w in _STOPWORDS)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("dutch")


def fold(text: str) -> str:
    """Lowercase without accents: 'Één café' -> 'een cafe'."""
    lowered = text.lower()
    if lowered.isascii():  # nearly every text: nothing to decompose
        return lowered
    return _fold_rest(lowered)


@lru_cache(maxsize=8192)
def _fold_rest(lowered: str) -> str:
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug_words(text: str) -> list[str]:
    """The ASCII letter-and-digit runs of the folded text: the parts of an id made from a title."""
    return re.findall(r"[a-z0-9]+", fold(text))


_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*|€")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,]?\d)")


def normalise_numbers(text: str) -> str:
    """'3.500' and '1.000.000' -> '3500', '1000000'; decimals ('16,3', '2.5') and separate numbers stay."""
    return _THOUSANDS.sub(lambda m: m.group(0).replace(".", ""), text)


def words(text: str) -> list[str]:
    """Folded word tokens with numbers normalised; hyphenated words are kept whole and split."""
    return list(_words(text))


@lru_cache(maxsize=16384)  # the same passages and sentences come back question after question
def _words(text: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for token in _TOKEN.findall(normalise_numbers(fold(text))):
        tokens.append(token)
        if "-" in token:
            tokens.extend(part for part in token.split("-") if part)
    # one object per distinct word: a full cache held 100 MB of copies of the same words at 10k chunks
    return tuple(map(sys.intern, tokens))


def content_words(text: str) -> list[str]:
    stop = stopwords()
    return [w for w in words(text) if w not in stop and (len(w) > 1 or w.isdigit())]


def stems(text: str) -> list[str]:
    """Stemmed content words: the token stream for BM25 and the fake embedder."""
    return list(_stemmer().stemWords(content_words(text)))


def overlap(question_stems: set[str], text_stems: set[str]) -> float:
    """Share of the question's content stems that occur in the text."""
    if not question_stems:
        return 0.0
    return len(question_stems & text_stems) / len(question_stems)
