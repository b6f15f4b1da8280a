"""The one Dutch sentence splitter: knowledge text at ingest, answers when streamed, model replies.

A sentence ends at . ! ? or … (closing quotes and citation markers such as "[2]" still belong to it)
before whitespace and a start that is a capital, a digit or an opening quote; known abbreviations
("o.a.", "bijv."), a person's initials ("E. Koop-Spoor", "J.P. Balkenende") and fragments under three
characters do not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

ABBREVIATIONS = (
    "o.a.", "bijv.", "bv.", "d.w.z.", "m.b.t.", "i.p.v.", "t.a.v.", "e.d.", "enz.", "ca.", "nr.", "art.",
    "mr.", "dr.", "drs.", "ir.", "prof.", "blz.", "incl.", "excl.", "max.", "min.", "mln.", "mld.", "jl.",
    "resp.", "vgl.", "zgn.", "t/m.", "St.", "e.a.",
)  # fmt: skip
_STARTS = "A-Z0-9ÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜ€'&"
# group 1: what still belongs to the sentence after its final mark (closing quotes, citation markers).
# Not a start: a citation marker ("Zin. [2]" belongs to "Zin.") or a parenthesis with a number, which
# continues a title ("'Daar zijn de hybride docenten!' (2016/2017) van ...").
_END = re.compile(rf"(?<=[.!?…])([\"”')\]*]*(?:[ \t]*\[\d+\])*)\s+(?!\[\d|\(\d)(?=[\"“'(\[*]*[{_STARTS}])")
_INITIALS = re.compile(r"(?:^|[\s(])(?:[A-Z]\.)+$")  # "… of E." before "Koop-Spoor"
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEMS = re.compile(r"\n\s*(?:[-*+]|\d+[.)])\s+|\n\s*\n|^\s*(?:[-*+]|\d+[.)])\s+")
_MARKUP = [
    (re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
]


def plain(text: str) -> str:
    """Markdown inline markup removed, whitespace collapsed."""
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


def is_heading(line: str) -> bool:
    return _HEADING.match(line) is not None


def heading(line: str) -> tuple[int, str] | None:
    """(level, title) of a Markdown heading line, else None."""
    match = _HEADING.match(line)
    return (len(match.group(1)), match.group(2).strip()) if match else None


def _ends(line: str) -> Iterator[re.Match[str]]:
    """Every sentence boundary of one line, in order."""
    start = 0
    for match in _END.finditer(line):
        candidate = line[start : match.start()].strip()
        if (
            candidate.endswith(ABBREVIATIONS)
            or candidate.lower().endswith(ABBREVIATIONS)
            or len(candidate) < 3
            or _INITIALS.search(candidate)
        ):
            continue
        yield match
        start = match.end()


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, markup removed; list items and lines of a block each count as their own unit."""
    sentences: list[str] = []
    for line in _ITEMS.split(text):
        line = plain(line or "")
        if not line or is_heading(line):
            continue
        start = 0
        for match in _ends(line):
            sentences.append(line[start : match.start()].strip())
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def sentence_pieces(line: str) -> list[str]:
    """The sentences of one line of a reply as written: each keeps its leading whitespace, its markup and
    the citation markers after it, so that joining the pieces gives the line back."""
    pieces: list[str] = []
    start = 0
    for match in _ends(line):
        pieces.append(line[start : match.end(1)])
        start = match.end(1)
    if start < len(line) or not pieces:
        pieces.append(line[start:])
    return pieces
