"""What the language model is asked, and how its reply is read. Pure: no model, no network.

The answer prompt numbers the retrieved passages 1..k. The reply's [n] markers are checked against
that numbering: numbers outside 1..k are dropped, the others renumbered in order of first use, and
sentences without a marker get `texts.UNCITED_MARK`. The caller builds the citations from the hits by
these numbers (`Reading.order`); nothing is parsed back from rendered text.

The Dutch the model reads lives in the *.txt templates beside this file (`$name` placeholders).
Reading works on a growing reply too (`final=False`): a marker still being written is held back and
the last sentence is not judged yet, so each reading extends the previous one and can be streamed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

from assistant import texts
from assistant.core import dutch
from assistant.core.documents import Chunk
from assistant.core.sentences import plain, sentence_pieces

MAX_HISTORY_TURNS = 3
MAX_HISTORY_ANSWER_CHARS = 300
MAX_QUERY_CHARS = 300
MIN_WORDS_TO_CITE = 3
EMPTY = "-"
USER, ASSISTANT = "Gebruiker", "Assistent"  # speaker labels in the condense prompt

_NUMBERS = r"(?:bron\s*)?\d+(?:\s*[,;]\s*(?:bron\s*)?\d+)*"
_MARKERS = re.compile(rf"(?:[ \t]*\[{_NUMBERS}\])+", re.I)  # a run of markers: "[1][3]", "[1, 3]", "[bron 2]"
_PARTIAL = re.compile(r"\[[^\]\n]{0,12}$")  # a marker the model is still writing
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S)  # reasoning models' scratchpad, never shown
_SOURCES = re.compile(r"\n[ \t]*(?:#+[ \t]*)?\**(?:bronnen|bronvermelding)\**[ \t]*:?\**[ \t]*(?:\n|$)", re.I)
_CITED = re.compile(r"\[(\d+)\]")
_BULLET = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_REFUSAL = " ".join(dutch.words(texts.NOT_IN_KNOWLEDGE)[:6])  # "dat staat niet in de kennisbank"


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str


@dataclass(frozen=True)
class Reading:
    """The reply as shown, and what it cites."""

    text: str
    order: tuple[int, ...]  # passage numbers as in the prompt, in order of first use; shown as 1, 2, ...
    sentences: tuple[tuple[str, tuple[int, ...]], ...]  # each sentence (plain) with the numbers it shows
    uncited: int  # sentences marked with texts.UNCITED_MARK
    dropped: int  # markers with numbers outside 1..k
    refused: bool  # the model said the refusal sentence and cited nothing


@cache
def template(name: str) -> Template:
    return Template(resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8"))


def passage(n: int, chunk: Chunk) -> str:
    doc = chunk.doc
    meta = [doc.soort]
    if doc.sector:
        meta.append("sector " + ", ".join(doc.sector))
    if doc.peildatum:
        meta.append(f"peildatum {doc.peildatum}")
    return f"[{n}] {chunk.heading_path} ({'; '.join(meta)})\n{chunk.text.strip()}"


def answer_prompt(
    question: str,
    chunks: Sequence[Chunk],
    knoppen: Sequence[str] = (),
    cases: Sequence[str] = (),
    history: Sequence[str] = (),
) -> Prompt:
    """The passages numbered 1..k in retrieval order, the knoppen and cases to name, earlier questions."""
    user = template("answer_user").substitute(
        passages="\n\n".join(passage(n, chunk) for n, chunk in enumerate(chunks, 1)),
        knoppen=", ".join(knoppen) or EMPTY,
        cases=", ".join(cases) or EMPTY,
        history=" | ".join(history[-MAX_HISTORY_TURNS:]) or EMPTY,
        question=question,
    )
    system = template("answer_system").substitute(refusal=texts.NOT_IN_KNOWLEDGE)
    return Prompt(system.strip(), user.strip())


def condense_prompt(turns: Sequence[tuple[str, str]], question: str) -> Prompt:
    lines = []
    for asked, answered in turns[-MAX_HISTORY_TURNS:]:
        lines.append(f"{USER}: {asked}")
        if answered:
            short = _MARKERS.sub("", answered).strip()
            lines.append(f"{ASSISTANT}: {short[:MAX_HISTORY_ANSWER_CHARS]}")
    user = template("condense_user").substitute(history="\n".join(lines) or EMPTY, question=question)
    return Prompt(template("condense_system").template.strip(), user.strip())


def read_query(reply: str) -> str | None:
    """The standalone search query in a condense reply, or None when the reply is not usable."""
    lines = [line.strip() for line in _THINK.sub("", reply).splitlines() if line.strip()]
    if not lines:
        return None
    query = re.sub(r"^(?:zelfstandige\s+)?zoekvraag\s*:\s*", "", lines[0], flags=re.I).strip(" \"'“”*`")
    if len(query) > MAX_QUERY_CHARS or not dutch.content_words(query):
        return None
    return query


def read_answer(reply: str, k: int, *, final: bool = True) -> Reading:
    """Markers checked against 1..k and renumbered by first use; uncited sentences marked."""
    text = _THINK.sub("", reply)
    if cut := _SOURCES.search(text):  # the sources are shown by us, from data
        text = text[: cut.start()]
    if not final:
        text = _PARTIAL.sub("", text.rstrip())
    text = text.strip()

    mapping: dict[int, int] = {}
    dropped = 0

    def renumber(match: re.Match[str]) -> str:
        nonlocal dropped
        shown: list[int] = []
        for number in map(int, re.findall(r"\d+", match.group(0))):
            if not 1 <= number <= k:
                dropped += 1
                continue
            new = mapping.setdefault(number, len(mapping) + 1)
            if new not in shown:
                shown.append(new)
        return " " + "".join(f"[{n}]" for n in shown) if shown else ""

    text = _MARKERS.sub(renumber, text).strip()
    lines = text.split("\n")
    out: list[str] = []
    sentences: list[tuple[str, tuple[int, ...]]] = []
    uncited = 0
    for line_no, line in enumerate(lines):
        pieces = sentence_pieces(line)
        for i, piece in enumerate(pieces):
            numbers = tuple(int(n) for n in _CITED.findall(piece))
            body = plain(re.sub(r"\s*\[\d+\]", "", piece))
            last = line_no == len(lines) - 1 and i == len(pieces) - 1
            if body:
                sentences.append((body, numbers))
            if not numbers and _needs_citation(body) and (final or not last):
                piece += texts.UNCITED_MARK
                uncited += 1
            out.append(piece)
        out.append("\n")
    shown_text = "".join(out[:-1]) if out else ""
    refused = not mapping and is_refusal(text)
    return Reading(shown_text, tuple(mapping), tuple(sentences), uncited, dropped, refused)


def is_refusal(text: str) -> bool:
    """The text starts with the fixed refusal sentence (case, accents and markup ignored)."""
    return " ".join(dutch.words(plain(text))).startswith(_REFUSAL)


def _needs_citation(body: str) -> bool:
    body = _BULLET.sub("", body).strip()
    if not body or body.startswith("#") or body.rstrip("*").endswith(":") or is_refusal(body):
        return False
    return len(dutch.words(body)) >= MIN_WORDS_TO_CITE
