"""Markdown-aware chunking with the heading path kept and stable chunk ids.

A chunk is one section (under a `##`/`###` heading); a long section is cut at paragraph
boundaries. The chunk id hashes the document id, its metadata, the heading path and the text,
so an unchanged section keeps its id (and its vectors) across ingests.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict

from assistant.config import CHUNK_CHARS
from assistant.core.documents import Chunk, Document, DocumentMeta
from assistant.core.sentences import heading, split_sentences

MIN_CHARS = 160
# Part of every chunk id: bump when the text that gets embedded (chunk or sentence recipe) or what is
# stored beside it changes, so the next ingest re-embeds everything without a manual --rebuild.
RECIPE = 5


def split_document(doc: Document, max_chars: int = CHUNK_CHARS) -> list[Chunk]:
    meta = doc.meta
    fingerprint = _fingerprint(meta)
    pieces = [(head, part) for head, body in _sections(doc.text) for part in _cut(body, max_chars)]
    return [
        Chunk(id=chunk_id(meta.id, fingerprint, head, text), doc=meta, heading=head, text=text, position=n)
        for n, (head, text) in enumerate(pieces)
    ]


def chunk_id(doc_id: str, fingerprint: str, heading: tuple[str, ...], text: str) -> str:
    payload = json.dumps([doc_id, fingerprint, list(heading), text], ensure_ascii=False)
    return f"{doc_id}:{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


def _fingerprint(meta: DocumentMeta) -> str:
    return hashlib.sha256(json.dumps([RECIPE, asdict(meta)], ensure_ascii=False).encode()).hexdigest()[:12]


def _sections(text: str) -> list[tuple[tuple[str, ...], str]]:
    """(heading path below the title, body) per section; the `#` title itself is not in the path."""
    sections: list[tuple[tuple[str, ...], list[str]]] = [((), [])]
    stack: list[tuple[int, str]] = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        found = None if in_fence else heading(line)
        if found:
            level, title = found
            if level == 1:
                continue
            stack = [(lvl, t) for lvl, t in stack if lvl < level]
            stack.append((level, title))
            sections.append((tuple(t for _, t in stack), []))
        else:
            sections[-1][1].append(line)
    result = []
    for head, lines in sections:
        body = "\n".join(lines).strip()
        if body:
            result.append((head, body))
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
