"""Pure conversions of an `Answer` for the edges: Markdown (web), plain text (terminal), JSON."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from assistant import texts
from assistant.answering.answer import Answer, DocLink
from assistant.core.documents import safe_url
from assistant.core.results import Citation


def source_line(citation: Citation) -> str:
    """'[1] Titel – Sectie · Bron (url) · peildatum 2023-11' as Markdown; every text escaped."""
    title = escape(citation.titel) + (f" – {escape(citation.heading)}" if citation.heading else "")
    source = escape(citation.source)
    if safe_url(citation.url):
        source = f"[{source}]({citation.url})"
    parts = [f"**[{citation.n}] {title}**", source]
    if citation.peildatum:
        parts.append(texts.PEILDATUM.format(peildatum=citation.peildatum))
    return " · ".join(parts)


# A URL goes into Markdown `[text](url)` unescaped, so it may not hold anything that ends the link or
# starts new Markdown/HTML: whitespace and control characters, ( ) [ ] < > " ' ` and backslash.


def escape(text: str) -> str:
    """Knowledge and question text shown as Markdown: HTML neutralised, Markdown links and images inert."""
    return html.escape(text, quote=False).replace("[", "\\[").replace("]", "\\]").replace("!", "&#33;")


def escape_answer(text: str) -> str:
    """Like `escape`, but the [n] citation markers stay readable."""
    return re.sub(r"\\\[(\d+)\\\]", r"[\1]", escape(text))


def links_line(links: tuple[DocLink, ...], link: Callable[[DocLink], str] | None = None) -> str:
    """The titles, escaped, between commas; with `link`, each as the edge links it (the web app: a link
    that opens it, shown as a chip of its own, so without commas)."""
    if link is not None:
        return " ".join(link(each) for each in links)
    return ", ".join(escape(each.titel) for each in links)


_MARKER = re.compile(r"\[(\d+)\]")


def answer_markdown(
    answer: Answer,
    *,
    with_sources: bool = True,
    link: Callable[[DocLink], str] | None = None,
    cite: Callable[[int], str] | None = None,
) -> str:
    """`link` turns a knop or casus into Markdown (default: its escaped title), `cite` a [n] marker."""
    text = escape_answer(answer.text)
    if cite is not None:
        mark = cite
        text = _MARKER.sub(lambda m: mark(int(m.group(1))), text)
    lines = [text]
    if answer.notice:
        lines.insert(0, f"*{escape(answer.notice)}*\n")
    if answer.refused and answer.nearest:
        lines.append(f"\n{texts.NEAREST_TOPICS} {links_line(answer.nearest, link)}")
    if answer.knoppen:
        lines.append(f"\n**{texts.KNOPPEN_HEADING}:** {links_line(answer.knoppen, link)}")
    if answer.cases:
        lines.append(f"\n**{texts.CASES_HEADING}:** {links_line(answer.cases, link)}")
    if with_sources and answer.citations:
        lines.append(f"\n**{texts.SOURCES_HEADING}**")
        for citation in answer.citations:
            lines.append(f"\n{source_line(citation)}  \n> {escape(citation.quote)}")
    return "\n".join(lines)


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.text,
        "refused": answer.refused,
        "elsewhere": answer.elsewhere,
        "citations": [
            {"n": c.n, "id": c.doc_id, "title": c.titel, "source": c.source, "url": c.url, "quote": c.quote}
            for c in answer.citations
        ],
        "knoppen": [{"id": k.id, "title": k.titel} for k in answer.knoppen],
        "cases": [{"id": k.id, "title": k.titel} for k in answer.cases],
        "nearest": [{"id": k.id, "title": k.titel} for k in answer.nearest],
        "retrieved": [
            {"id": h.chunk.doc.id, "chunk_id": h.chunk.id, "score": round(h.score, 6), "text": h.chunk.text}
            for h in answer.retrieved
        ],
        "query": answer.query,
        "notice": answer.notice,
        "latency_ms": round(answer.latency_ms, 1),
    }


def answer_terminal(answer: Answer) -> str:
    """Plain text for the terminal: no Markdown escapes, sources as a numbered list."""
    lines = []
    if answer.notice:
        lines.append(answer.notice)
    lines.append(answer.text)
    if answer.refused and answer.nearest:
        lines.append(f"{texts.NEAREST_TOPICS} " + ", ".join(k.titel for k in answer.nearest))
    if answer.knoppen:
        lines.append(f"\n{texts.KNOPPEN_HEADING}: " + ", ".join(k.titel for k in answer.knoppen))
    if answer.cases:
        lines.append(f"{texts.CASES_HEADING}: " + ", ".join(k.titel for k in answer.cases))
    if answer.citations:
        lines.append(f"\n{texts.SOURCES_HEADING}:")
        for c in answer.citations:
            where = f"{c.titel}" + (f" – {c.heading}" if c.heading else "")
            source = c.source + (f" <{c.url}>" if c.url else "")
            date = f", {texts.PEILDATUM.format(peildatum=c.peildatum)}" if c.peildatum else ""
            lines.append(f"[{c.n}] {where} ({c.doc_id}) · {source}{date}\n    “{c.quote}”")
    return "\n".join(lines)
