"""Read a knowledge folder into `Document`s, validating the front-matter schema.

Markdown files carry YAML front matter (schema in DESIGN.md). PDF, DOCX and HTML go through
llama-index readers; TXT and Markdown without front matter get default metadata. A file that
cannot be used becomes a `LoadProblem` naming the file and the field; the other files still load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SOORTEN = ("casus", "knop", "verslag", "leernetwerk", "regel", "achtergrond")
SECTOREN = ("zorg", "onderwijs", "defensie", "kinderopvang", "veiligheid", "techniek", "sectoroverstijgend")
DOELGROEPEN = ("professional", "werkgever", "aanjager")
REQUIRED = ("id", "titel", "soort", "sector", "doelgroep", "knoppen", "bronnen", "peildatum")
SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
# No characters that could end a Markdown link or an HTML attribute early: the URL is shown as a link.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f()\[\]<>\"'`\\]+")
_PEILDATUM = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class SourceRef:
    titel: str
    url: str | None = None
    datum: str | None = None


@dataclass(frozen=True)
class Document:
    id: str
    titel: str
    soort: str
    sector: tuple[str, ...]
    doelgroep: tuple[str, ...]
    knoppen: tuple[str, ...]
    bronnen: tuple[SourceRef, ...]
    peildatum: str
    text: str
    path: str
    has_front_matter: bool = True


@dataclass(frozen=True)
class LoadProblem:
    """A file (or a field in it) that could not be used. `code` selects the Dutch message in texts."""

    path: str
    code: str
    field: str | None = None
    detail: str = ""
    skipped: bool = True


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


class FormatProblem(Exception):
    def __init__(self, code: str, field: str | None = None, detail: str = "") -> None:
        super().__init__(f"{code} {field or ''} {detail}".strip())
        self.code, self.field, self.detail = code, field, detail


def safe_url(url: str | None) -> bool:
    """Only plain http(s) links that cannot break out of a Markdown link (no javascript:, data:, ...)."""
    return isinstance(url, str) and _SAFE_URL.fullmatch(url) is not None


def list_files(folder: Path) -> list[Path]:
    """Knowledge files under `folder`, sorted, hidden files and folders excluded."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def load_documents(
    folder: Path, *, max_bytes: int = 15_000_000, on_file: Callable[[Path], None] | None = None
) -> LoadResult:
    """Load every supported file under `folder`; problems are collected, never raised."""
    result = LoadResult()
    seen: dict[str, str] = {}
    for path in list_files(folder):
        if on_file:
            on_file(path)
        rel = path.relative_to(folder).as_posix()
        try:
            doc = load_file(path, rel, max_bytes=max_bytes)
        except FormatProblem as problem:
            result.problems.append(LoadProblem(rel, problem.code, problem.field, problem.detail))
            continue
        if doc.id in seen:
            result.problems.append(LoadProblem(rel, "duplicate_id", "id", f"{doc.id} ({seen[doc.id]})"))
            continue
        seen[doc.id] = rel
        if not doc.has_front_matter and path.suffix.lower() in (".md", ".markdown"):
            result.problems.append(LoadProblem(rel, "no_front_matter", None, "", skipped=False))
        result.documents.append(doc)
    result.problems.extend(check_references(result.documents))
    return result


def check_references(documents: Iterable[Document]) -> list[LoadProblem]:
    """Every `knoppen` entry must name a document of soort knop."""
    docs = list(documents)
    knoppen = {d.id for d in docs if d.soort == "knop"}
    return [
        LoadProblem(d.path, "unknown_knop", "knoppen", ref, skipped=False)
        for d in docs
        for ref in d.knoppen
        if ref not in knoppen
    ]


def load_file(path: Path, rel: str, *, max_bytes: int = 15_000_000) -> Document:
    size = path.stat().st_size
    if size == 0:
        raise FormatProblem("empty")
    if size > max_bytes:
        raise FormatProblem("too_large", detail=f"{size / 1_000_000:.1f}")
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        text = decode_text(path.read_bytes())
        if suffix != ".txt" and text.lstrip("\ufeff").startswith("---"):
            return parse_markdown(text, rel)
        return default_document(text, rel)
    return default_document(read_with_llama_index(path), rel)


def decode_text(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise FormatProblem("binary")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 is what Dutch office tools write when they do not write UTF-8.
        return raw.decode("cp1252", errors="replace")


def read_with_llama_index(path: Path) -> str:
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            from llama_index.readers.file import PDFReader

            parts = PDFReader(return_full_document=True).load_data(file=path)
        elif suffix == ".docx":
            from llama_index.readers.file import DocxReader

            parts = DocxReader().load_data(file=path)
        else:
            from llama_index.readers.file import HTMLTagReader

            parts = HTMLTagReader(tag="body").load_data(file=path)
    except Exception as exc:  # readers raise anything from struct errors to KeyError on bad files
        raise FormatProblem("unreadable", detail=type(exc).__name__) from exc
    text = "\n\n".join(part.text for part in parts).strip()
    if not text:
        raise FormatProblem("no_text")
    return text


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
    slug = re.sub(r"[^a-z0-9]+", "-", _fold(stem.lower())).strip("-")[:60] or "document"
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


def _fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


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
    # The one rule for links we show (imported here, not at the top: rendering imports this module).
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
