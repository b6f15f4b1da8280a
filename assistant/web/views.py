"""Pure conversions for the web app: documents to cards/tables/full text, filters, logins (chat messages:
`web.messages`).

No Gradio here, so these functions are tested without a server. Every text from the knowledge base or from a
user is escaped before it is shown; links are only made for http(s) URLs.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.answering.rendering import escape
from assistant.core.documents import SECTOREN, SOORTEN, Chunk, DocumentMeta, safe_url
from assistant.core.filters import Filters, admits_sector
from assistant.errors import ConfigError

DOC_PREFIX = "doc:"
KINDS = {"casus": texts.WEB["kind_casus"], "knop": texts.WEB["kind_knop"]}
SNIPPET_CHARS = 220


# -- labels and filters ----------------------------------------------------------------------------------


def doc_label(soort: str, titel: str) -> str:
    """ "Casus: Nationale Zorgreserve"; a title that already says what it is keeps it once ("Knop 2: ...")."""
    kind = KINDS.get(soort, texts.WEB["kind_other"])
    return titel if titel.lower().startswith(kind.lower()) else f"{kind}: {titel}"


def doc_id_from_option(value: Any) -> str:
    text = str(value or "")
    return text[len(DOC_PREFIX) :] if text.startswith(DOC_PREFIX) else ""


def filters_from(
    sector: Iterable[str] | None, soort: Iterable[str] | None, doc_ids: Iterable[str] = ()
) -> Filters:
    # Values also arrive through the API: anything that is not a known choice is ignored.
    return Filters(
        sector=tuple(s for s in (sector or ()) if s in SECTOREN),
        soort=tuple(s for s in (soort or ()) if s in SOORTEN),
        doc_ids=tuple(doc_ids),
    )


def filters_dict(filters: Filters) -> dict[str, list[str]]:
    return {k: list(v) for k, v in (("sector", filters.sector), ("soort", filters.soort)) if v}


# -- documents ----------------------------------------------------------------------------------------


def browse(
    documents: Mapping[str, DocumentMeta],
    sector: str = "",
    soort: str = "",
    kinds: Sequence[str] = ("casus", "knop"),
) -> list[DocumentMeta]:
    """Cases and knoppen, filtered, knoppen first, then by title."""
    wanted = (soort,) if soort in kinds else tuple(kinds)
    chosen = [
        d for d in documents.values() if d.soort in wanted and admits_sector([sector] if sector else [], d)
    ]
    return sorted(chosen, key=lambda d: (d.soort != "knop", d.titel.lower()))


def sector_groups(docs: Sequence[DocumentMeta], sector: str) -> tuple[list[DocumentMeta], list[DocumentMeta]]:
    """Those only for `sector` (it is among their own sectors), and those listed because they hold for every
    sector; with no sector chosen, all are the first."""
    if not sector:
        return list(docs), []
    own = [d for d in docs if sector in d.sector]
    return own, [d for d in docs if d not in own]


def table_rows(docs: Sequence[DocumentMeta]) -> list[list[str]]:
    """Title, kind, sectors, peildatum: what a user reads (the document id stays out of sight)."""
    return [[d.titel, KINDS.get(d.soort, d.soort), ", ".join(d.sector), d.peildatum] for d in docs]


def badge(chunk: Chunk, sector: str) -> str:
    """Why an item is listed under a sector it does not name: it is sectoroverstijgend."""
    if sector and "sectoroverstijgend" in chunk.doc.sector and sector not in chunk.doc.sector:
        return texts.WEB["badge_cross"].format(sector=sector)
    return ""


def card_text(chunk: Chunk, sector: str = "") -> str:
    """One card of the Casussen & knoppen tab, as plain text (shown as text, never as HTML): title, kind
    and sectors, why it is listed, the start of the text."""
    doc = chunk.doc
    meta = " · ".join(p for p in (KINDS.get(doc.soort, doc.soort), ", ".join(doc.sector), doc.peildatum) if p)
    lines = [doc.titel, meta]
    if note := badge(chunk, sector):
        lines.append(f"({note})")
    lines.append(_snippet(chunk.text))
    return "\n".join(lines)


def _snippet(text: str) -> str:
    plain = re.sub(r"[#*_>`]+", "", text)
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain if len(plain) <= SNIPPET_CHARS else plain[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + " …"


def document_markdown(chunks: Sequence[Chunk]) -> str:
    """The full text of one document, escaped, with its metadata and sources (links only http(s))."""
    if not chunks:
        return texts.WEB["doc_missing"]
    first = chunks[0].doc
    meta = [KINDS.get(first.soort, first.soort), ", ".join(first.sector)]
    if first.peildatum:
        meta.append(texts.PEILDATUM.format(peildatum=first.peildatum))
    lines = [f"## {escape(first.titel)}", f"*{escape(' · '.join(p for p in meta if p))}*"]
    last_heading: tuple[str, ...] = ()
    for chunk in chunks:
        if chunk.heading and chunk.heading != last_heading:
            lines.append(f"### {escape(' > '.join(chunk.heading))}")
            last_heading = chunk.heading
        lines.append(escape(chunk.text))
    if first.knoppen:
        lines.append(f"**{texts.KNOPPEN_HEADING}:** {escape(', '.join(first.knoppen))}")
    if first.bronnen:
        lines.append(f"**{texts.SOURCES_HEADING}**")
        for ref in first.bronnen:
            title = escape(ref.titel)
            link = f"[{title}]({ref.url})" if safe_url(ref.url) else title
            lines.append(f"- {link}" + (f" ({escape(ref.datum)})" if ref.datum else ""))
    return "\n\n".join(lines)


def doc_choices(docs: Iterable[DocumentMeta]) -> list[tuple[str, str]]:
    return [(doc_label(d.soort, d.titel), d.id) for d in docs]


# -- login ------------------------------------------------------------------------------------------


def parse_auth(value: str) -> dict[str, str]:
    """'user:pass', several separated by commas, or a path to a file with one 'user:pass' per line."""
    value = (value or "").strip()
    if not value:
        return {}
    path = Path(value).expanduser()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else value.split(",")
    users: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError("WIBB_AUTH", texts.WEB["auth_invalid"])
        users[user.strip()] = password
    return users


def check_login(users: Mapping[str, str], user: str, password: str) -> bool:
    """Constant-time comparison, and the same work for unknown users (no user enumeration by timing)."""
    expected = users.get((user or "").strip())
    ok = hmac.compare_digest((password or "").encode(), (expected or "\0").encode())
    return ok and expected is not None
