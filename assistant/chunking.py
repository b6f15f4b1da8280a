"""Markdown-aware chunking with the heading path kept, stable chunk ids, and sentence splitting.

A chunk is one section (under a `##`/`###` heading); a long section is cut at paragraph
boundaries. The chunk id hashes the document id, its metadata, the heading path and the text,
so an unchanged section keeps its id (and its vectors) across ingests.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from assistant.knowledge import Document, SourceRef

MIN_CHARS = 160
MAX_CHARS = 800  # calibrated on the question set (evals/README.md); `WIBB_CHUNK_CHARS` overrides it
# Part of every chunk id: bump when the text that gets embedded (chunk or sentence recipe) changes,
# so the next ingest re-embeds everything without a manual --rebuild.
RECIPE = 2


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    titel: str
    heading: tuple[str, ...]
    text: str
    position: int
    soort: str
    sector: tuple[str, ...]
    doelgroep: tuple[str, ...]
    knoppen: tuple[str, ...]
    bronnen: tuple[SourceRef, ...]
    peildatum: str
    path: str

    @property
    def heading_path(self) -> str:
        return " > ".join((self.titel, *self.heading))

    @property
    def embed_text(self) -> str:
        """What is embedded and indexed: the heading path gives a section its context."""
        return f"{self.heading_path}\n{self.text}"


def split_document(doc: Document, max_chars: int = MAX_CHARS) -> list[Chunk]:
    sections = _sections(doc.text)
    pieces: list[tuple[tuple[str, ...], str]] = []
    for heading, body in sections:
        for part in _cut(body, max_chars):
            pieces.append((heading, part))
    fingerprint = _fingerprint(doc)
    return [
        Chunk(
            id=chunk_id(doc.id, fingerprint, heading, text),
            doc_id=doc.id,
            titel=doc.titel,
            heading=heading,
            text=text,
            position=position,
            soort=doc.soort,
            sector=doc.sector,
            doelgroep=doc.doelgroep,
            knoppen=doc.knoppen,
            bronnen=doc.bronnen,
            peildatum=doc.peildatum,
            path=doc.path,
        )
        for position, (heading, text) in enumerate(pieces)
    ]


def chunk_id(doc_id: str, fingerprint: str, heading: tuple[str, ...], text: str) -> str:
    payload = json.dumps([doc_id, fingerprint, list(heading), text], ensure_ascii=False)
    return f"{doc_id}:{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


def _fingerprint(doc: Document) -> str:
    meta = [RECIPE, doc.titel, doc.soort, doc.sector, doc.doelgroep, doc.knoppen, doc.peildatum, doc.path]
    meta.append([(b.titel, b.url, b.datum) for b in doc.bronnen])
    return hashlib.sha256(json.dumps(meta, ensure_ascii=False).encode()).hexdigest()[:12]


_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def _sections(text: str) -> list[tuple[tuple[str, ...], str]]:
    """(heading path below the title, body) per section; the `#` title itself is not in the path."""
    sections: list[tuple[tuple[str, ...], list[str]]] = [((), [])]
    stack: list[tuple[int, str]] = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            level = len(match.group(1))
            if level == 1:
                continue
            stack = [(lvl, title) for lvl, title in stack if lvl < level]
            stack.append((level, match.group(2).strip()))
            sections.append((tuple(title for _, title in stack), []))
        else:
            sections[-1][1].append(line)
    result = []
    for heading, lines in sections:
        body = "\n".join(lines).strip()
        if body:
            result.append((heading, body))
    return result


def _cut(body: str, max_chars: int) -> list[str]:
    if len(body) <= max_chars:
        return [body]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    units: list[str] = []
    for block in blocks:
        if len(block) <= max_chars:
            units.append(block)
        else:  # one huge paragraph: cut between sentences
            units.extend(_pack(split_sentences(block), max_chars, " "))
    return _pack(units, max_chars, "\n\n")


def _pack(units: list[str], max_chars: int, joiner: str) -> list[str]:
    parts: list[str] = []
    for unit in units:
        if parts and len(parts[-1]) + len(joiner) + len(unit) <= max_chars:
            parts[-1] = parts[-1] + joiner + unit
        else:
            parts.append(unit)
    if len(parts) > 1 and len(parts[-1]) < MIN_CHARS:
        tail = parts.pop()
        parts[-1] = parts[-1] + joiner + tail
    return parts


_ABBREVIATIONS = (
    "o.a.", "bijv.", "bv.", "d.w.z.", "m.b.t.", "i.p.v.", "t.a.v.", "e.d.", "enz.", "ca.", "nr.", "art.",
    "mr.", "dr.", "drs.", "ir.", "prof.", "blz.", "incl.", "excl.", "max.", "min.", "mln.", "mld.", "jl.",
    "resp.", "vgl.", "zgn.", "t/m.", "St.", "e.a.",
)  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”')\]]*\s+(?=[\"“'(\[]?[A-Z0-9ÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜ€'&])")
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


def split_sentences(text: str) -> list[str]:
    """Dutch-aware sentence split; list items and lines of a block each count as their own unit."""
    sentences: list[str] = []
    for line in re.split(r"\n\s*(?:[-*+]|\d+[.)])\s+|\n\s*\n|^\s*(?:[-*+]|\d+[.)])\s+", text):
        line = plain(line or "")
        if not line or _HEADING.match(line):
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            candidate = line[start : match.start()].strip()
            if candidate.endswith(_ABBREVIATIONS) or len(candidate) < 3:
                continue
            sentences.append(candidate)
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences
