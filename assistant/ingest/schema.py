"""The front-matter schema of a Markdown knowledge file (DESIGN.md), checked field by field.

Every problem raises `FormatProblem` naming the field, so the maintainer learns which file and which
field to fix; `assistant.texts.INGEST_PROBLEMS` says it in Dutch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import yaml

from assistant.core import dutch
from assistant.core.documents import DOELGROEPEN, SECTOREN, SOORTEN, Document, SourceRef, safe_url

REQUIRED = ("id", "titel", "soort", "sector", "doelgroep", "knoppen", "bronnen", "peildatum")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
_PEILDATUM = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


class FormatProblem(Exception):
    def __init__(self, code: str, field: str | None = None, detail: str = "") -> None:
        super().__init__(f"{code} {field or ''} {detail}".strip())
        self.code, self.field, self.detail = code, field, detail


def split_front_matter(text: str) -> tuple[str, str]:
    text = text.lstrip("\ufeff")
    match = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.S)
    if not match:
        raise FormatProblem("front_matter_unclosed")
    return match.group(1), text[match.end() :]


def parse_markdown(text: str, rel: str) -> Document:
    raw, body = split_front_matter(text)
    try:
        meta = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormatProblem("front_matter_yaml", detail=f"{mark.line + 1}" if mark else "") from exc
    if not isinstance(meta, dict):
        raise FormatProblem("front_matter_not_mapping")
    missing = [name for name in REQUIRED if name not in meta]
    if missing:
        raise FormatProblem("missing_field", missing[0])
    if not body.strip():
        raise FormatProblem("empty_body")
    return Document(
        id=_check_id(meta["id"]),
        titel=_text(meta["titel"], "titel"),
        soort=_choice(meta["soort"], "soort", SOORTEN),
        sector=_choices(meta["sector"], "sector", SECTOREN),
        doelgroep=_choices(meta["doelgroep"], "doelgroep", DOELGROEPEN),
        knoppen=tuple(_check_id(k, "knoppen") for k in _list(meta["knoppen"], "knoppen")),
        bronnen=_bronnen(meta["bronnen"]),
        peildatum=_peildatum(meta["peildatum"]),
        text=body.strip(),
        path=rel,
    )


def default_document(text: str, rel: str) -> Document:
    """Metadata for a file without front matter: id from the path, title from the first heading."""
    stem = rel.rsplit(".", 1)[0]
    slug = "-".join(dutch.slug_words(stem))[:60] or "document"
    digest = hashlib.sha1(rel.encode()).hexdigest()[:6]
    heading = re.search(r"^#\s+(.+)$", text, re.M)
    titel = heading.group(1).strip() if heading else Path(stem).name.replace("-", " ").replace("_", " ")
    if not text.strip():
        raise FormatProblem("no_text")
    return Document(
        id=f"{slug}-{digest}",
        titel=titel[:200],
        soort="achtergrond",
        sector=("sectoroverstijgend",),
        doelgroep=DOELGROEPEN,
        knoppen=(),
        bronnen=(SourceRef(Path(rel).name),),
        peildatum="",
        text=text.strip(),
        path=rel,
        has_front_matter=False,
    )


def _check_id(value: object, name: str = "id") -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise FormatProblem("bad_id", name, str(value))
    return value


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FormatProblem("bad_text", name)
    return value.strip()


def _list(value: object, name: str) -> list[object]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise FormatProblem("not_a_list", name)
    return value


def _choice(value: object, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise FormatProblem("bad_value", name, f"{value} ∉ {', '.join(allowed)}")
    return str(value)


def _choices(value: object, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    values = tuple(_choice(v, name, allowed) for v in _list(value, name))
    if not values:
        raise FormatProblem("empty_list", name)
    return values


def _bronnen(value: object) -> tuple[SourceRef, ...]:
    refs = []
    for item in _list(value, "bronnen"):
        if not isinstance(item, dict) or not isinstance(item.get("titel"), str):
            raise FormatProblem("bad_source", "bronnen")
        url = item.get("url")
        if url is not None and not safe_url(url):
            raise FormatProblem("bad_url", "bronnen.url", str(url))
        datum = item.get("datum")
        refs.append(SourceRef(item["titel"].strip(), url, None if datum is None else str(datum)))
    if not refs:
        raise FormatProblem("empty_list", "bronnen")
    return tuple(refs)


def _peildatum(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not _PEILDATUM.match(value):
        raise FormatProblem("bad_date", "peildatum", str(value))
    return value
